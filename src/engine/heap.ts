/**
 * Memory and kernels of the engine.
 *
 * Precision. A heap computes in float32 (the default: Float32Array views and the f32x4
 * kernels of kernels-f32.wat, with their JavaScript twins in kernels-f32.ts) or in float64
 * (RNN_ENGINE_PRECISION=float64, or a network built with precision "float64": Float64Array
 * views and the f64x2 kernels of kernels.wat, twins below). Everything else is the same.
 *
 * Memory. The layers keep their weights, gradients and sequence buffers in one WebAssembly
 * memory per thread and precision, as typed-array views of it: the kernels work on them in
 * place, and the elementwise work in JavaScript reads and writes the same views. A kernel
 * takes an array as the byte address of its first element in that memory; a `HeapArray`
 * pairs a view with it.
 * The memory is shared (a SharedArrayBuffer underneath) only so that growing it keeps every
 * existing view valid; nothing is shared between threads (each worker has its own heap).
 * Each network takes one contiguous arena, sized by a measuring pass before it is built, and
 * gives it back when the network is disposed (networks made for one call are) or, failing
 * that, when it is garbage-collected.
 *
 * Kernels. The matrix products (mvacc, mvdot, mtacc), sigmoid and tanh (activate), the
 * LSTM cell's step and its backward (lstmStep, lstmBack), and a whole LSTM sequence made of
 * them (lstmForward, lstmBackward; kernel-abi.ts composes the JavaScript ones). In float64,
 * `javascriptKernels` below is their readable specification: plain loops over float64
 * values that do the same floating-point operations in the same order as the WebAssembly
 * SIMD kernels of kernels.wat (two float64 lanes; compiled into kernels.generated.ts), so
 * the products and lstmBack give the same results bit for bit (test/engine/kernels.test.ts checks it). Only the transcendental
 * functions differ: the WebAssembly activate and lstmStep compute sigmoid and tanh through
 * their own expm1, within about 7 ulp of the Math functions used here. The JavaScript
 * kernels also run the engine where WebAssembly SIMD is missing or with `RNN_ENGINE_WASM=0`:
 * the same results up to that rounding, more slowly.
 */
import type { FloatArray } from '../core/activations';
import { KERNELS_F32_WASM_BASE64 } from './kernels-f32.generated';
import { javascriptKernels32 } from './kernels-f32';
import { KERNELS_WASM_BASE64 } from './kernels.generated';
import { ACTIVATION_KERNEL, type Kernels, type StepKernels, withSequenceKernels } from './kernel-abi';
import { bytesPerValue, type EnginePrecision, enginePrecision } from './precision';

/**
 * An array of the engine heap (float32 or float64) with its byte address, the form in which
 * the kernels take arrays. The address is read once, here: `byteOffset` is an accessor call,
 * too slow to repeat at every kernel call of a time step.
 *
 * The fields are `declare`d, so the compiled class does not define them as undefined before
 * the constructor stores them: written once, V8 tracks them as constant fields (this class,
 * MatrixBlock and Products are read at every time step).
 */
export class HeapArray {
  declare readonly values: FloatArray;
  /** Byte address of values[0] in the heap's memory. */
  declare readonly address: number;
  /** Bytes of one value: 4 (float32) or 8 (float64). */
  declare readonly valueBytes: number;
  constructor(values: FloatArray) {
    this.values = values;
    this.address = values.byteOffset;
    this.valueBytes = values.BYTES_PER_ELEMENT;
  }
  /** Byte address of values[i]. */
  at(i: number): number {
    return this.address + this.valueBytes * i;
  }
}

/** Allocates a zeroed array of n values in the heap's precision. */
export type Alloc = (n: number) => FloatArray;

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
/** Bytes an array of n values takes in an arena (measure and arena must agree on it). */
const slot = (n: number, precision: EnginePrecision): number => align(Math.max(n, 1) * bytesPerValue(precision));

/** The typed array of a precision. */
const ARRAY = { float32: Float32Array, float64: Float64Array } as const;

const wasmModules: Partial<Record<EnginePrecision, object | null>> = {};

/**
 * The compiled kernels of a precision, or null where WebAssembly SIMD is missing or
 * RNN_ENGINE_WASM=0.
 */
function kernelModule(precision: EnginePrecision): object | null {
  if (!(precision in wasmModules)) {
    wasmModules[precision] = null;
    if (process.env.RNN_ENGINE_WASM !== '0') {
      const base64 = precision === 'float32' ? KERNELS_F32_WASM_BASE64 : KERNELS_WASM_BASE64;
      try {
        wasmModules[precision] = new WA.Module(Buffer.from(base64, 'base64'));
      } catch {
        wasmModules[precision] = null;
      }
    }
  }
  return wasmModules[precision] ?? null;
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
  const steps: StepKernels = {
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
  return withSequenceKernels(steps, memory, 8);
}

/** One thread's engine memory in one precision: arenas for networks, and the kernels working in it. */
export class Heap {
  readonly memory: WasmMemory;
  readonly kernels: Kernels;
  /** True when the kernels are the WebAssembly SIMD ones. */
  readonly simd: boolean;
  private top = ALIGN; // first byte never handed out (0 stays unused)
  private free: Array<{ start: number; size: number }> = [];
  private all: FloatArray;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly live = new WeakMap<object, { start: number; size: number }>();
  private readonly released = new FinalizationRegistry<{ start: number; size: number }>((r) =>
    this.release(r.start, r.size),
  );

  constructor(
    useWasm = true,
    readonly precision: EnginePrecision = enginePrecision(),
  ) {
    this.memory = new WA.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    this.all = new ARRAY[precision](this.memory.buffer);
    this.buffers.add(this.memory.buffer);
    const mod = useWasm ? kernelModule(precision) : null;
    this.simd = mod !== null;
    if (mod) this.kernels = new WA.Instance(mod, { env: { memory: this.memory } }).exports as unknown as Kernels;
    else if (precision === 'float32') this.kernels = javascriptKernels32(() => this.all as Float32Array);
    else this.kernels = javascriptKernels(() => this.all as Float64Array);
  }

  /** True when `a` is a view of this memory (its kernels can address it). */
  owns(a: FloatArray): boolean {
    return this.buffers.has(a.buffer) && a.BYTES_PER_ELEMENT === bytesPerValue(this.precision);
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
    const Values = ARRAY[this.precision];
    return (n: number) => {
      const b = slot(n, this.precision);
      if (used + b > size)
        throw new Error(
          `engine memory: a network asked for more than its measured arena (${size} bytes); this is a bug in the engine.`,
        );
      const view = new Values(this.memory.buffer, start + used, n);
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
      this.all = new ARRAY[this.precision](this.memory.buffer);
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
export function measure(precision: EnginePrecision): { alloc: Alloc; bytes: () => number } {
  let bytes = 0;
  return {
    alloc: (n: number) => {
      bytes += slot(n, precision);
      return new ARRAY[precision](n);
    },
    bytes: () => bytes,
  };
}

const threadHeaps: Partial<Record<EnginePrecision, Heap>> = {};

/** This thread's engine heap of a precision (by default the engine's, RNN_ENGINE_PRECISION). */
export function engineHeap(precision: EnginePrecision = enginePrecision()): Heap {
  const heap = threadHeaps[precision] ?? new Heap(true, precision);
  threadHeaps[precision] = heap;
  return heap;
}

/**
 * Replaces this thread's heap of `heap`'s precision (tests: the same network on JavaScript
 * kernels); undefined resets both.
 */
export function useEngineHeap(heap: Heap | undefined): void {
  if (heap) threadHeaps[heap.precision] = heap;
  else for (const p of Object.keys(threadHeaps) as EnginePrecision[]) delete threadHeaps[p];
}
