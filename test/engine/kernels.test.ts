// The float64 WebAssembly kernels (kernels.wat → kernels.generated.ts) against their
// JavaScript twins (the float32 ones: kernels-f32.test.ts), the engine heap (arenas, growth,
// reuse), and whole networks on either kernel set in both precisions.
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, initBackend } from '../../src';
import { seededRandom } from '../../src/runtime/random';
import { engineGradients, FusedNetwork, predictFast } from '../../src/train/fast';
import type { ModelKind } from '../../src';
import { KERNELS_WASM_BASE64 } from '../../src/engine/kernels.generated';
import { type Alloc, Heap, HeapArray, useEngineHeap } from '../../src/engine/heap';
import { MatrixBlock, Products } from '../../src/engine/products';
import { perturbedModel, relError, smallData } from '../support/models';

const build = require(path.join(__dirname, '..', '..', 'scripts', 'build-wasm.js')) as {
  compileKernels(): Promise<Buffer>;
  generatedSource(b: Buffer): string;
};

beforeAll(async () => {
  await initBackend('cpu');
});
afterEach(() => useEngineHeap(undefined));

/** Fills a fresh array of the heap with seeded values in [−1, 1), some exactly 0. */
function filled(alloc: Alloc, n: number, r: () => number): Float64Array {
  const a = alloc(n) as Float64Array;
  for (let i = 0; i < n; i++) a[i] = r() < 0.1 ? 0 : r() * 2 - 1;
  return a;
}

describe('engine kernels', () => {
  it('the committed WebAssembly is a fresh compile of kernels.wat (run `npm run build:wasm` after editing it)', async () => {
    const bytes = await build.compileKernels();
    expect(Buffer.from(KERNELS_WASM_BASE64, 'base64').equals(bytes)).toBe(true);
  });

  it('loads as WebAssembly SIMD here', () => {
    expect(new Heap(true, 'float64').simd).toBe(true);
    expect(new Heap(true, 'float32').simd).toBe(true);
  });

  // shapes that take every path: column blocks of 16, of 2 and a last odd column; row blocks of 4 and single rows
  for (const [rows, stride, n, T] of [
    [1, 1, 1, 1],
    [5, 20, 20, 3],
    [5, 20, 5, 7],
    [3, 7, 7, 2],
    [16, 64, 64, 12],
    [14, 64, 33, 5],
    [6, 40, 37, 9],
  ]) {
    it(`mvacc / mvdot / mtacc: WebAssembly = JavaScript = float64 sums for rows ${rows}, stride ${stride}, n ${n}, T ${T}`, () => {
      const results = [true, false].map((wasm) => {
        const heap = new Heap(wasm, 'float64');
        expect(heap.simd).toBe(wasm);
        const owner = {};
        const alloc = heap.arena(
          8 * (2 * rows * stride + 2 * n + 2 * rows + T * (rows + 1) + T * stride) + 1024,
          owner,
        );
        const r = seededRandom(rows * 100 + n);
        const M = filled(alloc, rows * stride, r);
        const gM = filled(alloc, rows * stride, r);
        const v = filled(alloc, rows, r);
        const out = filled(alloc, n, r);
        const d = filled(alloc, n, r);
        const V = filled(alloc, T * (rows + 1), r); // rows + 1 per step: a stride larger than rows
        const D = filled(alloc, T * stride, r);
        const dv = [filled(alloc, rows, r), filled(alloc, rows, r)];
        const before = dv.map((a) => Float64Array.from(a));
        const outBefore = Float64Array.from(out);
        const gMBefore = Float64Array.from(gM);
        const K = heap.kernels;
        K.mvacc(out.byteOffset, v.byteOffset, rows, M.byteOffset, stride, n);
        for (const accumulate of [0, 1])
          K.mvdot(dv[accumulate].byteOffset, d.byteOffset, rows, M.byteOffset, stride, n, accumulate);
        K.mtacc(gM.byteOffset, stride, V.byteOffset, rows + 1, rows, D.byteOffset, stride, n, T);
        // against a direct float64 computation
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < rows; k++) s += v[k] * M[k * stride + j];
          expect(out[j]).toBeCloseTo(outBefore[j] + s, 12);
        }
        for (let k = 0; k < rows; k++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let t = 0; t < T; t++) s += V[t * (rows + 1) + k] * D[t * stride + j];
            expect(gM[k * stride + j]).toBeCloseTo(gMBefore[k * stride + j] + s, 12);
          }
          for (let j = n; j < stride; j++) expect(gM[k * stride + j]).toBe(gMBefore[k * stride + j]); // outside the block: untouched
        }
        for (let k = 0; k < rows; k++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += M[k * stride + j] * d[j];
          expect(dv[0][k]).toBeCloseTo(s, 12);
          expect(dv[1][k]).toBeCloseTo(before[1][k] + s, 12);
        }
        return [out, gM, ...dv].map((a) => Float64Array.from(a));
      });
      // the JavaScript twins sum in the kernels' order: the same numbers, bit for bit
      results[0].forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(results[1][i])));
    });
  }

  it('sigmoid and tanh: within ~7 ulp of Math over the whole range, NaN kept, odd lengths', () => {
    const heap = new Heap(true, 'float64');
    const values: number[] = [
      0,
      -0,
      1e-300,
      -1e-300,
      1e-12,
      -1e-12,
      1e-6,
      0.1,
      -0.1,
      0.3465,
      0.3466,
      0.5,
      -0.5,
      1,
      -1,
      2.5,
      -2.5,
      10,
      -10,
      19,
      36,
      -36,
      300,
      -300,
      708,
      -708,
      709,
      710,
      -745,
      -800,
      1e308,
      -1e308,
      Infinity,
      -Infinity,
    ];
    const r = seededRandom(5);
    for (let i = 0; i < 20_000; i++) values.push((r() * 2 - 1) * (r() < 0.5 ? 4 : 60));
    values.push(NaN); // odd length: the last value goes through the one-lane path
    const n = values.length;
    expect(n % 2).toBe(1);
    const alloc = heap.arena(8 * 3 * n + 64, {});
    const src = alloc(n) as Float64Array;
    src.set(values);
    const sig = alloc(n);
    const th = alloc(n);
    heap.kernels.activate(src.byteOffset, sig.byteOffset, n, 0);
    heap.kernels.activate(src.byteOffset, th.byteOffset, n, 1);
    const close = (got: number, want: number) => {
      if (Number.isNaN(want)) return Number.isNaN(got);
      const err = Math.abs(got - want);
      return err <= 1.5e-15 * Math.abs(want) || err <= 1e-300; // ≤ about 7 ulp (Math.tanh itself is within 1)
    };
    const bad: string[] = [];
    values.forEach((x, i) => {
      const s = 1 / (1 + Math.exp(-x));
      if (!close(sig[i], s)) bad.push(`sigmoid(${x}) = ${sig[i]}, Math: ${s}`);
      if (!close(th[i], Math.tanh(x))) bad.push(`tanh(${x}) = ${th[i]}, Math: ${Math.tanh(x)}`);
    });
    expect(bad.slice(0, 5)).toEqual([]);
    // in place (src = dst), as the layers use it
    heap.kernels.activate(src.byteOffset, src.byteOffset, n, 1);
    expect(Array.from(src.subarray(0, n - 1))).toEqual(Array.from(th.subarray(0, n - 1)));
  });

  it('mvacc adds v·M to what is there, mvdot gives M·d (independent check)', () => {
    const heap = new Heap(true, 'float64');
    const alloc = heap.arena(1024, {});
    const M = alloc(6); // 2 × 3
    M.set([1, 2, 3, 4, 5, 6]);
    const v = alloc(2);
    v.set([10, -1]);
    const out = alloc(3);
    out.set([0.5, 0.5, 0.5]);
    heap.kernels.mvacc(out.byteOffset, v.byteOffset, 2, M.byteOffset, 3, 3);
    expect(Array.from(out)).toEqual([6.5, 15.5, 24.5]);
    const d = alloc(3);
    d.set([1, 0, 2]);
    const dv = alloc(2);
    heap.kernels.mvdot(dv.byteOffset, d.byteOffset, 2, M.byteOffset, 3, 3, 0);
    expect(Array.from(dv)).toEqual([7, 16]);
    const gM = alloc(6); // += Vᵀ·D over T = 2 steps, V 2 × 2 (stride 2), D 2 × 3
    gM.set([1, 1, 1, 1, 1, 1]);
    const V = alloc(4);
    V.set([1, 2, 3, 4]);
    const D = alloc(6);
    D.set([1, 0, -1, 2, 1, 0]);
    heap.kernels.mtacc(gM.byteOffset, 3, V.byteOffset, 2, 2, D.byteOffset, 3, 3, 2);
    expect(Array.from(gM)).toEqual([1 + 1 + 6, 1 + 0 + 3, 1 - 1 + 0, 1 + 2 + 8, 1 + 0 + 4, 1 - 2 + 0]);
  });

  it('products: named operands on a column block of a wider matrix reach the right values', () => {
    const heap = new Heap(true, 'float64');
    const alloc = heap.arena(8 * 64 + 1024, {});
    const r = seededRandom(11);
    const array = (n: number) => new HeapArray(filled(alloc, n, r));
    const [rows, cols, from, width, T] = [3, 7, 2, 4, 5]; // the block: columns 2…5 of a 3 × 7 matrix
    const M = array(rows * cols);
    const block = MatrixBlock.of(M, rows, cols).columns(from, width);
    const m = (k: number, j: number) => M.values[k * cols + from + j];
    const products = new Products(heap.kernels);
    const row = array(rows);
    const out = array(width);
    const outBefore = Float64Array.from(out.values);
    products.addRowTimesMatrix(out.address, row.address, block);
    for (let j = 0; j < width; j++) {
      let s = outBefore[j];
      for (let k = 0; k < rows; k++) s += row.values[k] * m(k, j);
      expect(out.values[j]).toBeCloseTo(s, 12);
    }
    const column = array(width);
    const [set, added] = [array(rows), array(rows)];
    const addedBefore = Float64Array.from(added.values);
    products.matrixTimesColumn(set.address, column.address, block);
    products.addMatrixTimesColumn(added.address, column.address, block);
    for (let k = 0; k < rows; k++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += m(k, j) * column.values[j];
      expect(set.values[k]).toBeCloseTo(s, 12);
      expect(added.values[k]).toBeCloseTo(addedBefore[k] + s, 12);
    }
    const Mbefore = Float64Array.from(M.values);
    const [inputs, deltas] = [array(T * (rows + 1)), array(T * cols)];
    const inputRows = { address: inputs.address, stride: rows + 1 }; // a stride larger than the block's rows
    const deltaRows = { address: deltas.at(from), stride: cols };
    products.addWeightGradient({ into: block, inputs: inputRows, deltas: deltaRows, steps: T });
    for (let k = 0; k < rows; k++) {
      for (let j = 0; j < cols; j++) {
        let s = Mbefore[k * cols + j];
        const inBlock = j >= from && j < from + width;
        if (inBlock) for (let t = 0; t < T; t++) s += inputs.values[t * (rows + 1) + k] * deltas.values[t * cols + j];
        expect(M.values[k * cols + j]).toBeCloseTo(s, 12);
        if (!inBlock) expect(M.values[k * cols + j]).toBe(Mbefore[k * cols + j]); // outside the block: untouched
      }
    }
  });

  // even and odd unit counts (the odd one ends in a half-filled vector), and a single unit
  for (const U of [16, 5, 1]) {
    it(`lstmStep / lstmBack (U ${U}): WebAssembly and JavaScript = the LSTM cell's formulas in float64`, () => {
      const sig = (x: number) => 1 / (1 + Math.exp(-x));
      const r = seededRandom(31 + U);
      const z = Array.from({ length: 4 * U }, () => (r() * 2 - 1) * 4);
      const cPrev = Array.from({ length: U }, () => r() * 2 - 1);
      const dhs = Array.from({ length: U }, () => r() * 2 - 1);
      const dhPrev = Array.from({ length: U }, () => r() * 2 - 1);
      const dcNext = Array.from({ length: U }, () => r() * 2 - 1);
      // the cell written out, unit by unit
      const want = {
        g: [] as number[],
        c: [] as number[],
        ac: [] as number[],
        h: [] as number[],
        dz: new Array<number>(4 * U),
        dc: [] as number[],
      };
      for (let u = 0; u < U; u++) {
        const [i, f, cc, o] = [sig(z[u]), sig(z[U + u]), Math.tanh(z[2 * U + u]), sig(z[3 * U + u])];
        const c = f * cPrev[u] + i * cc;
        const a = Math.tanh(c);
        want.c.push(c);
        want.ac.push(a);
        want.h.push(o * a);
        const dh = dhs[u] + dhPrev[u];
        const dcTot = dcNext[u] + dh * o * (1 - a * a); // through h = o·tanh(c), and from step t + 1
        want.dz[u] = dcTot * cc * i * (1 - i);
        want.dz[U + u] = dcTot * cPrev[u] * f * (1 - f);
        want.dz[2 * U + u] = dcTot * i * (1 - cc * cc);
        want.dz[3 * U + u] = dh * a * o * (1 - o);
        want.dc.push(dcTot * f);
      }
      for (let u = 0; u < U; u++) want.g.push(sig(z[u]));
      for (let u = 0; u < U; u++) want.g.push(sig(z[U + u]));
      for (let u = 0; u < U; u++) want.g.push(Math.tanh(z[2 * U + u]));
      for (let u = 0; u < U; u++) want.g.push(sig(z[3 * U + u]));
      const close = (got: ArrayLike<number>, exp: number[]) =>
        exp.forEach((e, k) => expect(Math.abs(got[k] - e)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(e))));
      const results = [true, false].map((wasm) => {
        const heap = new Heap(wasm, 'float64');
        const alloc = heap.arena(8 * 20 * (U + 2) + 1024, {});
        const arr = (values: number[]) => {
          const a = alloc(values.length + 1) as Float64Array; // one value past the end: must stay untouched
          a.set(values);
          a[values.length] = 12345;
          return a;
        };
        const zeros = (n: number) => new Array<number>(n).fill(0);
        const [g, cp, c, ac, h, dh1, dh2, dc, dz] = [
          z,
          cPrev,
          zeros(U),
          zeros(U),
          zeros(U),
          dhs,
          dhPrev,
          dcNext,
          zeros(4 * U),
        ].map(arr);
        heap.kernels.lstmStep(g.byteOffset, cp.byteOffset, c.byteOffset, ac.byteOffset, h.byteOffset, U);
        close(g, want.g);
        close(c, want.c);
        close(ac, want.ac);
        close(h, want.h);
        heap.kernels.lstmBack(
          g.byteOffset,
          cp.byteOffset,
          ac.byteOffset,
          dh1.byteOffset,
          dh2.byteOffset,
          dc.byteOffset,
          dz.byteOffset,
          U,
        );
        close(dz, want.dz);
        close(dc, want.dc);
        for (const a of [g, c, ac, h, dc]) expect(a[a.length - 1]).toBe(12345);
        expect(dz[4 * U]).toBe(12345);
        return { g, ac, dz, dc };
      });
      // from the same activations, the backward step is the same arithmetic: bit for bit
      const [w, js] = results;
      const heap = new Heap(false, 'float64');
      const alloc = heap.arena(8 * 12 * (U + 2) + 1024, {});
      const copy = (a: Float64Array) => {
        const b = alloc(a.length) as Float64Array;
        b.set(a);
        return b;
      };
      const [g, cp, ac, dh1, dh2, dz] = [
        w.g,
        Float64Array.from([...cPrev, 0]),
        w.ac,
        Float64Array.from([...dhs, 0]),
        Float64Array.from([...dhPrev, 0]),
        js.dz,
      ].map(copy);
      const dc = copy(Float64Array.from([...dcNext, 0]));
      heap.kernels.lstmBack(
        g.byteOffset,
        cp.byteOffset,
        ac.byteOffset,
        dh1.byteOffset,
        dh2.byteOffset,
        dc.byteOffset,
        dz.byteOffset,
        U,
      );
      expect(Array.from(dz.subarray(0, 4 * U))).toEqual(Array.from(w.dz.subarray(0, 4 * U)));
      expect(Array.from(dc.subarray(0, U))).toEqual(Array.from(w.dc.subarray(0, U)));
    });
  }
});

describe('engine heap', () => {
  it('keeps earlier arrays valid when it grows, zeroes what it hands out, and reuses released arenas', () => {
    const heap = new Heap();
    const a = {};
    const small = heap.arena(800, a)(100);
    small.fill(7);
    const big = heap.arena(8 * 400_000, {})(400_000); // grows the memory by several pages
    big[399_999] = 1;
    expect(small.length).toBe(100);
    expect(small[99]).toBe(7); // the old view still sees the same memory
    heap.releaseNow(a);
    expect(heap.usage().free).toEqual([{ start: small.byteOffset, size: 800 }]);
    const again = heap.arena(800, {})(100);
    expect(again.byteOffset).toBe(small.byteOffset);
    expect(Array.from(again).every((x) => x === 0)).toBe(true);
    expect(heap.usage().free).toEqual([]);
  });

  it('networks made for one call give their memory back at once (a loop of predictions does not grow it)', () => {
    const heap = new Heap();
    useEngineHeap(heap);
    const model = buildModel('dense', { steps: 120, features: 14, units: [16], seed: 1 }); // Jena's dense model
    const x = { data: new Float64Array(3 * 120 * 14).fill(0.5), shape: [3, 120, 14] as [number, number, number] };
    const alive = new FusedNetwork(model);
    // weights and gradients 2 × 26,912 values; the Dense after Flatten sized for one step, not 120
    expect(heap.usage().top).toBeLessThan(600_000);
    alive.dispose();
    const first = predictFast(model, x);
    const top = heap.usage().top;
    for (let i = 0; i < 300; i++) expect(Array.from(predictFast(model, x))).toEqual(Array.from(first));
    expect(heap.usage().top).toBe(top);
    model.dispose();
  });

  it('refuses an arena past its limit with a message that says what to do', () => {
    const heap = new Heap();
    expect(() => heap.arena(2 * 1024 ** 3, {})).toThrow(/engine: "tfjs"/);
  });
});

const kinds: ModelKind[] = ['elman', 'lstm', 'gru'];
// float64: up to the ~7 ulp of the kernels' sigmoid and tanh; float32: the same, in float32
// ulp (the products and lstmBack are bit for bit, see kernels-f32.test.ts)
const agreement = { float64: 1e-12, float32: 1e-5 } as const;
describe.each(kinds)('%s: the same gradients on WebAssembly and JavaScript kernels', (kind) => {
  it.each(['float64', 'float32'] as const)('two layers (4 and 3 units), batch 5, %s', (precision) => {
    const model = perturbedModel(kind, [4, 3], 6, 2);
    const data = smallData(5, 6, 2);
    useEngineHeap(new Heap(true, precision));
    const wasm = engineGradients(model, data, 'mse', precision);
    useEngineHeap(new Heap(false, precision));
    const js = engineGradients(model, data, 'mse', precision);
    expect(wasm.network.precision).toBe(precision);
    expect(Math.abs(wasm.loss - js.loss) / js.loss).toBeLessThan(agreement[precision]);
    wasm.grads.forEach((g, i) => expect(relError(g, js.grads[i])).toBeLessThan(agreement[precision]));
    model.dispose();
  });
});

// lstmForward / lstmBackward: a whole LSTM sequence in one kernel call must be the per-step
// kernels called in the layer's order, bit for bit, in both precisions and on both kernel sets.
describe.each(['float32', 'float64'] as const)('whole-sequence LSTM kernels (%s)', (precision) => {
  const [T, I] = [7, 3];
  for (const U of [1, 5, 16]) {
    it(`lstmForward and lstmBackward = their steps, WebAssembly = JavaScript backward (U ${U})`, () => {
      const G = 4 * U;
      const run = (wasm: boolean, whole: boolean) => {
        const heap = new Heap(wasm, precision);
        const alloc = heap.arena(
          8 * (T * I + I * G + U * G + G + 2 * T * G + 3 * (T + 1) * U + T * U + 2 * U) + 4096,
          {},
        );
        const r = seededRandom(U * 7 + 1);
        const a = (n: number, fill = true) => new HeapArray(fill ? filled(alloc, n, r) : alloc(n));
        const [x, W, R, b] = [a(T * I), a(I * G), a(U * G), a(G)];
        const [zs, dzs] = [a(T * G, false), a(T * G, false)];
        const [hs, cs, acs] = [a((T + 1) * U, false), a((T + 1) * U, false), a((T + 1) * U, false)];
        const [dhs, dhPrev, dc] = [a(T * U), a(U), a(U)];
        const K = heap.kernels;
        if (whole)
          K.lstmForward(
            x.address,
            W.address,
            R.address,
            b.address,
            zs.address,
            hs.address,
            cs.address,
            acs.address,
            T,
            I,
            U,
          );
        else
          for (let t = 0; t < T; t++) {
            zs.values.set(b.values, t * G);
            K.mvacc(zs.at(t * G), x.at(t * I), I, W.address, G, G);
            K.mvacc(zs.at(t * G), hs.at(t * U), U, R.address, G, G);
            K.lstmStep(zs.at(t * G), cs.at(t * U), cs.at((t + 1) * U), acs.at((t + 1) * U), hs.at((t + 1) * U), U);
          }
        const forward = [zs, hs, cs, acs].map((v) => Array.from(v.values));
        if (whole)
          K.lstmBackward(
            zs.address,
            cs.address,
            acs.address,
            dhs.address,
            dhPrev.address,
            dc.address,
            dzs.address,
            R.address,
            T,
            U,
          );
        else
          for (let t = T - 1; t >= 0; t--) {
            K.lstmBack(
              zs.at(t * G),
              cs.at(t * U),
              acs.at((t + 1) * U),
              dhs.at(t * U),
              dhPrev.address,
              dc.address,
              dzs.at(t * G),
              U,
            );
            K.mvdot(dhPrev.address, dzs.at(t * G), U, R.address, G, G, 0);
          }
        return { forward, backward: [dzs, dhPrev, dc].map((v) => Array.from(v.values)) };
      };
      const wasmWhole = run(true, true);
      expect(wasmWhole).toEqual(run(true, false));
      expect(run(false, true)).toEqual(run(false, false));
      // WebAssembly and JavaScript forward passes differ by the activations' rounding only (the
      // step kernels' own bit-for-bit agreement is checked above and in kernels-f32.test.ts)
      const js = run(false, true);
      js.forward.forEach((v, i) =>
        expect(relError(Float64Array.from(v), Float64Array.from(wasmWhole.forward[i]))).toBeLessThan(1e-5),
      );
      expect(wasmWhole.forward[1].some((v) => v !== 0)).toBe(true);
    });
  }
});
