import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { javascriptKernels } from '../../src/engine/heap';
import type { Kernels } from '../../src/engine/kernel-abi';
import { javascriptKernels32 } from '../../src/engine/kernels-f32';
import { KERNELS_F32_WASM_BASE64 } from '../../src/engine/kernels-f32.generated';

// The float32 kernels against the float64 ones on the same (float32-representable) inputs:
// equal up to float32 rounding, accumulated over the terms of each sum.
const SIZE = 4096;

function pair() {
  const m32 = new Float32Array(SIZE);
  const m64 = new Float64Array(SIZE);
  let s = 12345;
  for (let i = 0; i < SIZE; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    m32[i] = s / 2147483648 - 0.5;
    m64[i] = m32[i];
  }
  return { m32, m64, k32: javascriptKernels32(() => m32), k64: javascriptKernels(() => m64) };
}

// arrays as value indices into both memories: byte addresses 4·i and 8·i
type Call = (k: Kernels, at: (i: number) => number) => void;
function both(run: Call) {
  const p = pair();
  run(p.k32, (i) => 4 * i);
  run(p.k64, (i) => 8 * i);
  return p;
}

function expectClose(p: { m32: Float32Array; m64: Float64Array }, from: number, n: number, tol: number) {
  let worst = 0;
  for (let i = from; i < from + n; i++) worst = Math.max(worst, Math.abs(p.m32[i] - p.m64[i]));
  expect(worst).toBeLessThan(tol);
  return worst;
}

describe('float32 JavaScript kernels', () => {
  it('mvacc, mtacc and mvdot agree with float64 to float32 rounding (odd sizes included)', () => {
    for (const n of [1, 3, 7, 33]) {
      const a = both((k, at) => k.mvacc(at(0), at(100), 13, at(200), 40, n));
      expectClose(a, 0, n, 13 * 2e-7 * 4);
      const b = both((k, at) => k.mtacc(at(0), 40, at(600), 20, 9, at(1000), 35, n, 11));
      expectClose(b, 0, 9 * 40, 11 * 2e-7 * 4);
      const c = both((k, at) => k.mvdot(at(0), at(100), 11, at(200), 40, n, 1));
      expectClose(c, 0, 11, n * 2e-7 * 4);
    }
  });

  it('activate, lstmStep and lstmBack agree with float64 to float32 rounding', () => {
    const a = both((k, at) => {
      k.activate(at(0), at(0), 37, 0);
      k.activate(at(40), at(40), 37, 1);
    });
    expectClose(a, 0, 80, 1e-7);
    const U = 7;
    const s = both((k, at) => {
      k.lstmStep(at(0), at(100), at(200), at(300), at(400), U);
      k.lstmBack(at(0), at(100), at(300), at(500), at(600), at(700), at(800), U);
    });
    for (const from of [0, 200, 300, 400, 700, 800]) expectClose(s, from, 4 * U, 1e-6);
    expect(s.m32[0]).not.toBe(s.m64[0]);
  });
});

// The f32x4 WebAssembly products (kernels-f32.generated.ts, from kernels-f32.wat) against the
// float32 JavaScript kernels: equal bit for bit, over sizes that exercise every block.
const build = require(path.join(__dirname, '..', '..', 'scripts', 'build-wasm.js')) as {
  compileKernels(text: string): Promise<Buffer>;
  WAT_F32: string;
};

it('the committed float32 WebAssembly is a fresh compile of kernels-f32.wat (`npm run build:wasm`)', async () => {
  const bytes = await build.compileKernels(fs.readFileSync(build.WAT_F32, 'utf8'));
  expect(Buffer.from(KERNELS_F32_WASM_BASE64, 'base64').equals(bytes)).toBe(true);
});

/** The committed float32 kernels instantiated on a fresh shared memory of 4 pages. */
function wasmKernels32(): { kernels: Kernels; memory: { buffer: ArrayBufferLike } } {
  const WA = (globalThis as unknown as { WebAssembly: typeof WebAssembly }).WebAssembly;
  const memory = new WA.Memory({ initial: 4, maximum: 16, shared: true });
  const mod = new WA.Module(Buffer.from(KERNELS_F32_WASM_BASE64, 'base64'));
  return { kernels: new WA.Instance(mod, { env: { memory } }).exports as unknown as Kernels, memory };
}

describe('f32x4 WebAssembly products', () => {
  it('mvacc, mtacc, mvdot and lstmBack equal the float32 JavaScript kernels bit for bit', async () => {
    const { kernels: wasm, memory } = wasmKernels32();
    const all = new Float32Array(memory.buffer);
    const copy = new Float32Array(SIZE);
    const js = javascriptKernels32(() => copy);
    let checked = 0;
    // blocks of 32, 16, 4 and single columns, alone and combined
    for (const n of [1, 3, 4, 5, 16, 20, 31, 32, 37, 48, 53, 64, 70]) {
      const p = pair();
      all.set(p.m32.subarray(0, SIZE));
      copy.set(p.m32);
      // some zeros in v, which both skip
      all[101] = copy[101] = 0;
      const at = (i: number) => 4 * i;
      for (const k of [wasm, js] as const) {
        k.mvacc(at(0), at(100), 13, at(200), 80, n);
        k.mtacc(at(1200), 80, at(2200), 20, 9, at(2400), 75, n, 11);
        k.mvdot(at(3600), at(100), 11, at(200), 80, n, 1);
        k.mvdot(at(3700), at(100), 11, at(200), 80, n, 0);
        // lstmBack with U = n units (g: 4U values at 3800; the rest after it)
        if (n <= 5) k.lstmBack(at(3800), at(3830), at(3840), at(3850), at(3860), at(3870), at(3880), n);
      }
      for (let i = 0; i < SIZE; i++)
        if (!Object.is(all[i], copy[i])) throw new Error(`n=${n}: differ at ${i}: ${all[i]} vs ${copy[i]}`);
      checked++;
    }
    expect(checked).toBe(13);
    expect(copy[0]).not.toBe(pair().m32[0]);
  });
});

describe('f32x4 WebAssembly activations and LSTM step', () => {
  it('agree with the float32 JavaScript kernels (Math.tanh/exp rounded once) within a few ulp', async () => {
    const { kernels: wasm, memory } = wasmKernels32();
    const all = new Float32Array(memory.buffer);
    const copy = new Float32Array(SIZE);
    const js = javascriptKernels32(() => copy);
    // inputs from −12 to 12, plus 0, −0, ±100 and a NaN
    const n = 203;
    for (let i = 0; i < n; i++) all[i] = copy[i] = -12 + (24 * i) / (n - 1) + 0.013 * Math.sin(i);
    for (const [i, v] of [
      [200, 0],
      [201, -100],
      [202, 100],
      [199, Number.NaN],
    ] as const)
      all[i] = copy[i] = v;
    all.copyWithin(300, 0, n);
    copy.copyWithin(300, 0, n);
    for (const k of [wasm, js]) {
      k.activate(at(0), at(0), n, 0);
      k.activate(at(300), at(300), n, 1);
    }
    const ulp = (x: number) => Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(x))) - 23));
    let worst = 0;
    for (const i of [...Array(n).keys(), ...Array.from({ length: n }, (_, k) => 300 + k)]) {
      if (Number.isNaN(copy[i])) {
        expect(all[i]).toBeNaN();
        continue;
      }
      // sigmoid(−100) is a subnormal the kernel's clamp (a ≤ 88) gives as ≈ 6e−39: absolute there
      if (Math.abs(copy[i]) < 2 ** -126) expect(Math.abs(all[i])).toBeLessThan(1e-38);
      else worst = Math.max(worst, Math.abs(all[i] - copy[i]) / ulp(copy[i]));
    }
    expect(worst).toBeLessThanOrEqual(4);
    expect(all[200]).toBe(0.5); // sigmoid(0)
    expect(Object.is(all[500], 0)).toBe(true); // tanh(0)
    // one LSTM step, U = 7 (a block of four and three single values)
    const U = 7;
    for (let i = 0; i < 4 * U + U; i++) all[1000 + i] = copy[1000 + i] = Math.sin(3 * i);
    for (const k of [wasm, js]) k.lstmStep(at(1000), at(1000 + 4 * U), at(1100), at(1200), at(1300), U);
    for (const from of [1000, 1100, 1200, 1300])
      for (let i = from; i < from + U; i++) expect(Math.abs(all[i] - copy[i])).toBeLessThan(1e-6);
    expect(all[1307]).toBe(0); // nothing written past h[U − 1]
  });
});

function at(i: number): number {
  return 4 * i;
}
