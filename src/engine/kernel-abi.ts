/**
 * The engine kernels' interface, shared by the WebAssembly modules (kernels.wat in float64,
 * kernels-f32.wat in float32) and their JavaScript twins (heap.ts, kernels-f32.ts).
 */
/**
 * The kernels, on byte addresses into the heap's memory; `stride` counts values (of the
 * heap's precision) between the starts of consecutive rows of a row-major matrix. The
 * argument order is the WebAssembly exports' ABI: layers call the products through
 * products.ts, which names them.
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
   * s_k = Σ_{j<n} M[k·stride + j] · d[j] for k < rows (the SIMD lanes summed apart: even and
   * odd j in float64, j mod 4 in float32);
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
  /**
   * An LSTM layer's forward pass over T steps (x [T × I], W [I × 4U], R [U × 4U], bias [4U];
   * zs [T × 4U]; hs, cs, acs [(T+1) × U], row 0 the initial state): for each t, z_t = bias,
   * z_t += x_t·W, z_t += h_{t−1}·R (mvacc), lstmStep. One call instead of four per step.
   */
  lstmForward(
    x: number,
    W: number,
    R: number,
    bias: number,
    zs: number,
    hs: number,
    cs: number,
    acs: number,
    T: number,
    I: number,
    U: number,
  ): void;
  /**
   * Its backpropagation through time, t = T−1 … 0: lstmBack at step t (dhs [T × U] from above;
   * dhPrev and dc carried between steps; dzs [T × 4U] written), then dhPrev = R·dz_t (mvdot).
   */
  lstmBackward(
    zs: number,
    cs: number,
    acs: number,
    dhs: number,
    dhPrev: number,
    dc: number,
    dzs: number,
    R: number,
    T: number,
    U: number,
  ): void;
}

/** The kernels that work on single steps; `withSequenceKernels` adds the whole-sequence ones. */
export type StepKernels = Omit<Kernels, 'lstmForward' | 'lstmBackward'>;

/**
 * The JavaScript twins' whole-sequence kernels, composed from their step kernels exactly as
 * the WebAssembly lstmForward and lstmBackward compose theirs (the same calls in the same
 * order). `memory` is a view of the whole memory with `valueBytes` bytes a value.
 */
export function withSequenceKernels(
  k: StepKernels,
  memory: () => Float32Array | Float64Array,
  valueBytes: number,
): Kernels {
  return {
    ...k,
    lstmForward(x, W, R, bias, zs, hs, cs, acs, T, I, U) {
      const G = 4 * U;
      const from = bias / valueBytes; // the bias as an index into memory()
      for (let t = 0; t < T; t++) {
        const z = zs + t * G * valueBytes;
        const prev = t * U * valueBytes;
        const next = prev + U * valueBytes;
        memory().copyWithin(z / valueBytes, from, from + G);
        k.mvacc(z, x + t * I * valueBytes, I, W, G, G);
        k.mvacc(z, hs + prev, U, R, G, G);
        k.lstmStep(z, cs + prev, cs + next, acs + next, hs + next, U);
      }
    },
    lstmBackward(zs, cs, acs, dhs, dhPrev, dc, dzs, R, T, U) {
      const G = 4 * U;
      for (let t = T - 1; t >= 0; t--) {
        const row = t * G * valueBytes;
        const prev = t * U * valueBytes;
        k.lstmBack(zs + row, cs + prev, acs + prev + U * valueBytes, dhs + prev, dhPrev, dc, dzs + row, U);
        k.mvdot(dhPrev, dzs + row, U, R, G, G, 0);
      }
    },
  };
}

/** The `kind` argument of `Kernels.activate`. */
export const ACTIVATION_KERNEL = { sigmoid: 0, tanh: 1 } as const;
