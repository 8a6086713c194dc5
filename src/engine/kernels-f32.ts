/**
 * The engine kernels in float32, in JavaScript: the readable specification of the f32x4
 * WebAssembly kernels of kernels-f32.wat (four float32 lanes; the engine's default), and
 * their fallback where WebAssembly SIMD is missing, as `javascriptKernels` in heap.ts is of
 * the float64 ones. Every operation the WebAssembly kernels will do in f32 is rounded
 * here with Math.fround, in the same order: products and sums add their terms in the order
 * stated at each kernel; sigmoid and tanh are the float64 Math functions rounded once.
 * Arrays are float32; addresses are byte offsets into `memory()` (4 bytes a value).
 */
import { ACTIVATION_KERNEL, type Kernels, type StepKernels, withSequenceKernels } from './kernel-abi';

const f = Math.fround;

/** Index, in a float32 view of the whole memory, of the value at byte address `p`. */
const index = (p: number): number => p >> 2;

const sigmoid32 = (x: number): number => f(1 / (1 + Math.exp(-x)));

/** The float32 kernels over a float32 view `memory()` of the whole memory. */
export function javascriptKernels32(memory: () => Float32Array): Kernels {
  const steps: StepKernels = {
    mvacc(out, v, rows, M, stride, n) {
      const m = memory();
      const o = index(out);
      // each out[j] adds its terms row after row; rows with v[k] = 0 are skipped
      for (let k = 0; k < rows; k++) {
        const vk = m[index(v) + k];
        if (vk === 0) continue;
        const row = index(M) + k * stride;
        for (let j = 0; j < n; j++) m[o + j] = f(m[o + j] + f(vk * m[row + j]));
      }
    },
    mtacc(gM, gStride, V, vStride, rows, D, dStride, n, T) {
      const m = memory();
      // each gM[k][j] adds its terms step after step
      for (let k = 0; k < rows; k++) {
        const g = index(gM) + k * gStride;
        for (let j = 0; j < n; j++) {
          let s = m[g + j];
          for (let t = 0; t < T; t++) s = f(s + f(m[index(V) + t * vStride + k] * m[index(D) + t * dStride + j]));
          m[g + j] = s;
        }
      }
    },
    mvdot(dv, d, rows, M, stride, n, accumulate) {
      const m = memory();
      const d0 = index(d);
      const quads = n & ~3;
      for (let k = 0; k < rows; k++) {
        const row = index(M) + k * stride;
        // four lanes: column j adds into lane j mod 4; then (lane0 + lane1) + (lane2 + lane3);
        // then the last n mod 4 columns in order
        const lane = [0, 0, 0, 0];
        for (let j = 0; j < quads; j += 4)
          for (let l = 0; l < 4; l++) lane[l] = f(lane[l] + f(m[row + j + l] * m[d0 + j + l]));
        let s = f(f(lane[0] + lane[1]) + f(lane[2] + lane[3]));
        for (let j = quads; j < n; j++) s = f(s + f(m[row + j] * m[d0 + j]));
        const q = index(dv) + k;
        m[q] = accumulate ? f(m[q] + s) : s;
      }
    },
    activate(src, dst, n, kind) {
      const m = memory();
      if (kind === ACTIVATION_KERNEL.tanh)
        for (let k = 0; k < n; k++) m[index(dst) + k] = f(Math.tanh(m[index(src) + k]));
      else for (let k = 0; k < n; k++) m[index(dst) + k] = sigmoid32(m[index(src) + k]);
    },
    lstmStep(g, cPrev, c, ac, h, U) {
      const m = memory();
      const gi = index(g);
      const c0 = index(c);
      const p0 = index(cPrev);
      const a0 = index(ac);
      const h0 = index(h);
      for (let u = 0; u < U; u++) {
        const i = sigmoid32(m[gi + u]);
        const fg = sigmoid32(m[gi + U + u]);
        const cc = f(Math.tanh(m[gi + 2 * U + u]));
        const o = sigmoid32(m[gi + 3 * U + u]);
        const cn = f(f(fg * m[p0 + u]) + f(i * cc));
        const a = f(Math.tanh(cn));
        m[gi + u] = i;
        m[gi + U + u] = fg;
        m[gi + 2 * U + u] = cc;
        m[gi + 3 * U + u] = o;
        m[c0 + u] = cn;
        m[a0 + u] = a;
        m[h0 + u] = f(o * a);
      }
    },
    lstmBack(g, cPrev, ac, dhs, dhPrev, dc, dz, U) {
      const m = memory();
      const gi = index(g);
      const zi = index(dz);
      const c0 = index(dc);
      for (let u = 0; u < U; u++) {
        const i = m[gi + u];
        const fg = m[gi + U + u];
        const cc = m[gi + 2 * U + u];
        const o = m[gi + 3 * U + u];
        const a = m[index(ac) + u];
        const dh = f(m[index(dhs) + u] + m[index(dhPrev) + u]);
        const dt = f(m[c0 + u] + f(f(dh * o) * f(1 - f(a * a))));
        m[zi + 3 * U + u] = f(f(dh * a) * f(o * f(1 - o)));
        m[zi + u] = f(f(dt * cc) * f(i * f(1 - i)));
        m[zi + U + u] = f(f(dt * m[index(cPrev) + u]) * f(fg * f(1 - fg)));
        m[zi + 2 * U + u] = f(f(dt * i) * f(1 - f(cc * cc)));
        m[c0 + u] = f(dt * fg);
      }
    },
  };
  return withSequenceKernels(steps, memory, 4);
}
