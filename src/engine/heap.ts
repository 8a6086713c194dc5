/**
 * Memory and kernels of the engine.
 *
 * Memory. The layers keep their weights, gradients and sequence buffers in one WebAssembly
 * memory per thread, as Float64Array views of it: the kernels work on them in place, and the
 * elementwise work in JavaScript reads and writes the same views. A kernel takes an array as
 * the byte address of its first element in that memory; a `HeapArray` pairs a view with it.
 * The memory is shared (a SharedArrayBuffer underneath) only so that growing it keeps every
 * existing view valid; nothing is shared between threads (each worker has its own heap).
 * Each network takes one contiguous arena, sized by a measuring pass before it is built, and
 * gives it back when the network is disposed (networks made for one call are) or, failing
 * that, when it is garbage-collected.
 *
 * Kernels. The matrix products (mvacc, mvdot, mtacc), sigmoid and tanh (activate), and the
 * LSTM cell's step and its backward (lstmStep, lstmBack). `javascriptKernels` below is their
 * readable specification: plain loops over float64 values that do the same floating-point
 * operations in the same order as the WebAssembly SIMD kernels of kernels.wat (two float64
 * lanes; compiled into kernels.generated.ts), so the products and lstmBack give the same
 * results bit for bit (test/engine/kernels.test.ts checks it). Only the transcendental
 * functions differ: the WebAssembly activate and lstmStep compute sigmoid and tanh through
 * their own expm1, within about 7 ulp of the Math functions used here. The JavaScript
 * kernels also run the engine where WebAssembly SIMD is missing or with `RNN_ENGINE_WASM=0`:
 * the same results up to that rounding, more slowly.
 */
import { KERNELS_WASM_BASE64 } from './kernels.generated';

/**
 * The kernels, on byte addresses into the heap's memory; `stride` counts values (float64)
 * between the starts of consecutive rows of a row-major matrix. The argument order is the
 * WebAssembly exports' ABI: layers call the products through products.ts, which names them.
 */
export interface Kernels {
  /** out[j] += Σ_{k<rows} v[k] · M[k·stride + j], j < n (rows with v[k] = 0 skipped). */
  mvacc(out: number, v: number, rows: number, M: number, stride: number, n: number): void;
  /**
   * gM[k·gStride + j] += Σ_{t<T} V[t·vStride + k] · D[t·dStride + j], k < rows, j < n:
   * Vᵀ·D, the gradient of a weight matrix over a sequence.
   */
  mtacc(
    gM: number,
    gStride: number,
    V: number,
    vStride: number,
    rows: number,
    D: number,
    dStride: number,
    n: number,
    T: number,
  ): void;
  /**
   * s_k = Σ_{j<n} M[k·stride + j] · d[j] for k < rows (the even and the odd j summed apart);
   * dv[k] = s_k when `accumulate` is 0, dv[k] += s_k when it is 1.
   */
  mvdot(dv: number, d: number, rows: number, M: number, stride: number, n: number, accumulate: number): void;
  /**
   * dst[k] = sigmoid(src[k]) (kind 0, ACTIVATION_KERNEL.sigmoid: 1 / (1 + e^(−x))) or tanh(src[k])
   * (kind 1, ACTIVATION_KERNEL.tanh), k < n; src may be dst.
   */
  activate(src: number, dst: number, n: number, kind: 0 | 1): void;
  /**
   * One LSTM step with sigmoid gates and tanh: g (4U pre-activations i, f, c̃, o) activated
   * in place; c = f·cPrev + i·c̃, ac = tanh(c), h = o·ac.
   */
  lstmStep(g: number, cPrev: number, c: number, ac: number, h: number, U: number): void;
  /**
   * Its backward: dh = dhs + dhPrev; dcTot = dc + dh·o·(1 − ac²); writes dz (4U: i, f, c̃, o)
   * and replaces dc with dcTot·f (see kernels.wat).
   */
  lstmBack(g: number, cPrev: number, ac: number, dhs: number, dhPrev: number, dc: number, dz: number, U: number): void;
}

/** The `kind` argument of `Kernels.activate`. */
export const ACTIVATION_KERNEL = { sigmoid: 0, tanh: 1 } as const;

/**
 * A float64 array of the engine heap with its byte address, the form in which the kernels
 * take arrays. The address is read once, here: `byteOffset` is an accessor call, too slow to
 * repeat at every kernel call of a time step.
 *
 * The fields are `declare`d, so the compiled class does not define them as undefined before
 * the constructor stores them: written once, V8 tracks them as constant fields (this class,
 * MatrixBlock and Products are read at every time step).
 */
export class HeapArray {
  declare readonly values: Float64Array;
  /** Byte address of values[0] in the heap's memory. */
  declare readonly address: number;
  constructor(values: Float64Array) {
    this.values = values;
    this.address = values.byteOffset;
  }
  /** Byte address of values[i]. */
  at(i: number): number {
    return this.address + 8 * i;
  }
}

/** Allocates a zeroed Float64Array of n values. */
export type Alloc = (n: number) => Float64Array;

/** The part of a WebAssembly.Memory the heap uses. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

// The WebAssembly global of Node (its types live in lib.dom, which this project does not load).
const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
      Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
    };
  }
).WebAssembly;

const PAGE = 65536;
const MAX_PAGES = 16384; // 1 GiB: far above any network the engine is meant for
const ALIGN = 16;

const align = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;
/** Bytes an array of n float64 takes in an arena (measure and arena must agree on it). */
const slot = (n: number): number => align(Math.max(n, 1) * 8);

let wasmModule: object | null | undefined;

/** The compiled kernels, or null where WebAssembly SIMD is missing or RNN_ENGINE_WASM=0. */
function kernelModule(): object | null {
  if (wasmModule === undefined) {
    wasmModule = null;
    if (process.env.RNN_ENGINE_WASM !== '0') {
      try {
        wasmModule = new WA.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
      } catch {
        wasmModule = null;
      }
    }
  }
  return wasmModule;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Index, in a float64 view of the whole memory, of the value at byte address `p`. */
const index = (p: number): number => p >> 3;

/**
 * The kernels in JavaScript over a float64 view `memory()` of the whole memory: the readable
 * specification of kernels.wat (see the module note), and the fallback without WebAssembly
 * SIMD. Each loop adds in the order the SIMD kernel does, which is what makes them agree.
 */
export function javascriptKernels(memory: () => Float64Array): Kernels {
  return {
    mvacc(out, v, rows, M, stride, n) {
      const m = memory();
      const o = index(out);
      // each out[j] adds its terms row after row; a row with v[k] = 0 adds nothing (as in the
      // kernel: adding 0·M[k][j] would turn −0 into +0, and an infinite M[k][j] into NaN)
      for (let k = 0; k < rows; k++) {
        const vk = m[index(v) + k];
        if (vk === 0) continue;
        const row = index(M) + k * stride;
        for (let j = 0; j < n; j++) m[o + j] += vk * m[row + j];
      }
    },
    mtacc(gM, gStride, V, vStride, rows, D, dStride, n, T) {
      const m = memory();
      // each gM[k][j] adds its terms step after step
      for (let k = 0; k < rows; k++) {
        const g = index(gM) + k * gStride;
        for (let j = 0; j < n; j++) {
          let s = m[g + j];
          for (let t = 0; t < T; t++) s += m[index(V) + t * vStride + k] * m[index(D) + t * dStride + j];
          m[g + j] = s;
        }
      }
    },
    mvdot(dv, d, rows, M, stride, n, accumulate) {
      const m = memory();
      const d0 = index(d);
      const pairs = n & ~1;
      for (let k = 0; k < rows; k++) {
        const row = index(M) + k * stride;
        // the even and the odd columns summed apart, as the kernel's two SIMD lanes do, then
        // the two sums added, then a last odd column
        let even = 0;
        let odd = 0;
        for (let j = 0; j < pairs; j += 2) {
          even += m[row + j] * m[d0 + j];
          odd += m[row + j + 1] * m[d0 + j + 1];
        }
        let s = even + odd;
        if (pairs < n) s += m[row + pairs] * m[d0 + pairs];
        const q = index(dv) + k;
        m[q] = accumulate ? m[q] + s : s;
      }
    },
    activate(src, dst, n, kind) {
      const m = memory();
      if (kind === ACTIVATION_KERNEL.tanh) for (let k = 0; k < n; k++) m[index(dst) + k] = Math.tanh(m[index(src) + k]);
      else for (let k = 0; k < n; k++) m[index(dst) + k] = sigmoid(m[index(src) + k]);
    },
    lstmStep(g, cPrev, c, ac, h, U) {
      const m = memory();
      // the gate blocks of g: i, f, c̃, o (U values each)
      const gi = index(g);
      const gf = gi + U;
      const gc = gi + 2 * U;
      const go = gi + 3 * U;
      const c0 = index(c);
      const p0 = index(cPrev);
      const a0 = index(ac);
      const h0 = index(h);
      for (let u = 0; u < U; u++) {
        const i = sigmoid(m[gi + u]);
        const f = sigmoid(m[gf + u]);
        const cc = Math.tanh(m[gc + u]);
        const o = sigmoid(m[go + u]);
        const cn = f * m[p0 + u] + i * cc;
        const a = Math.tanh(cn);
        m[gi + u] = i;
        m[gf + u] = f;
        m[gc + u] = cc;
        m[go + u] = o;
        m[c0 + u] = cn;
        m[a0 + u] = a;
        m[h0 + u] = o * a;
      }
    },
    lstmBack(g, cPrev, ac, dhs, dhPrev, dc, dz, U) {
      const m = memory();
      // the gate blocks of g and of dz: i, f, c̃, o (U values each)
      const gi = index(g);
      const zi = index(dz);
      const c0 = index(dc);
      for (let u = 0; u < U; u++) {
        const i = m[gi + u];
        const f = m[gi + U + u];
        const cc = m[gi + 2 * U + u];
        const o = m[gi + 3 * U + u];
        const a = m[index(ac) + u];
        const dh = m[index(dhs) + u] + m[index(dhPrev) + u];
        const dt = m[c0 + u] + dh * o * (1 - a * a);
        m[zi + 3 * U + u] = dh * a * (o * (1 - o));
        m[zi + u] = dt * cc * (i * (1 - i));
        m[zi + U + u] = dt * m[index(cPrev) + u] * (f * (1 - f));
        m[zi + 2 * U + u] = dt * i * (1 - cc * cc);
        m[c0 + u] = dt * f;
      }
    },
  };
}

/** One thread's engine memory: arenas for networks, and the kernels working in it. */
export class Heap {
  readonly memory: WasmMemory;
  readonly kernels: Kernels;
  /** True when the kernels are the WebAssembly SIMD ones. */
  readonly simd: boolean;
  private top = ALIGN; // first byte never handed out (0 stays unused)
  private free: Array<{ start: number; size: number }> = [];
  private all: Float64Array;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly live = new WeakMap<object, { start: number; size: number }>();
  private readonly released = new FinalizationRegistry<{ start: number; size: number }>((r) =>
    this.release(r.start, r.size),
  );

  constructor(useWasm = true) {
    this.memory = new WA.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    this.all = new Float64Array(this.memory.buffer);
    this.buffers.add(this.memory.buffer);
    const mod = useWasm ? kernelModule() : null;
    this.simd = mod !== null;
    this.kernels = mod
      ? (new WA.Instance(mod, { env: { memory: this.memory } }).exports as unknown as Kernels)
      : javascriptKernels(() => this.all);
  }

  /** True when `a` is a view of this memory (its kernels can address it). */
  owns(a: Float64Array): boolean {
    return this.buffers.has(a.buffer);
  }

  /**
   * Reserves `bytes` (as measured by {@link measure}) for one network and returns its
   * allocator; the arena goes back to the heap with {@link releaseNow}, or once `owner` is
   * garbage-collected.
   */
  arena(bytes: number, owner: object): Alloc {
    const size = align(Math.max(bytes, ALIGN));
    const start = this.take(size);
    this.released.register(owner, { start, size }, owner);
    this.live.set(owner, { start, size });
    let used = 0;
    return (n: number) => {
      const b = slot(n);
      if (used + b > size)
        throw new Error(
          `engine memory: a network asked for more than its measured arena (${size} bytes); this is a bug in the engine.`,
        );
      const view = new Float64Array(this.memory.buffer, start + used, n);
      view.fill(0);
      used += b;
      return view;
    };
  }

  /** Gives `owner`'s arena back now instead of at garbage collection (its views must not be used again). */
  releaseNow(owner: object): void {
    const arena = this.live.get(owner);
    if (!arena) return;
    this.live.delete(owner);
    this.released.unregister(owner);
    this.release(arena.start, arena.size);
  }

  /** Bytes handed out up to the highest arena in use, and the free gaps below it. */
  usage(): { top: number; free: Array<{ start: number; size: number }> } {
    return { top: this.top, free: this.free.map((f) => ({ ...f })) };
  }

  private take(size: number): number {
    const i = this.free.findIndex((f) => f.size >= size);
    if (i >= 0) {
      const f = this.free[i];
      const start = f.start;
      if (f.size === size) this.free.splice(i, 1);
      else {
        f.start += size;
        f.size -= size;
      }
      return start;
    }
    const start = this.top;
    const end = start + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        throw new Error(
          `engine memory: networks in use need more than ${MAX_PAGES / 16} MiB; train fewer or smaller networks at once, or use engine: "tfjs".`,
        );
      }
      this.memory.grow(pages);
      this.all = new Float64Array(this.memory.buffer);
      this.buffers.add(this.memory.buffer);
    }
    this.top = end;
    return start;
  }

  private release(start: number, size: number): void {
    this.free.push({ start, size });
    this.free.sort((a, b) => a.start - b.start);
    const merged: Array<{ start: number; size: number }> = [];
    for (const f of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.start + last.size === f.start) last.size += f.size;
      else merged.push({ ...f });
    }
    const tail = merged[merged.length - 1];
    if (tail && tail.start + tail.size === this.top) {
      this.top = tail.start;
      merged.pop();
    }
    this.free = merged;
  }
}

/** An allocator outside any heap that counts the aligned bytes asked of it. */
export function measure(): { alloc: Alloc; bytes: () => number } {
  let bytes = 0;
  return {
    alloc: (n: number) => {
      bytes += slot(n);
      return new Float64Array(n);
    },
    bytes: () => bytes,
  };
}

let threadHeap: Heap | undefined;

/** This thread's engine heap. */
export function engineHeap(): Heap {
  threadHeap ??= new Heap();
  return threadHeap;
}

/** Replaces this thread's heap (tests: the same network on JavaScript kernels); undefined resets. */
export function useEngineHeap(heap: Heap | undefined): void {
  threadHeap = heap;
}
