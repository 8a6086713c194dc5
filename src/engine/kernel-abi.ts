/**
 * The engine kernels' interface, shared by the WebAssembly modules (kernels.wat in float64,
 * kernels-f32.wat in float32) and their JavaScript twins (heap.ts, kernels-f32.ts).
 */
/**
 * The kernels, on byte addresses into the heap's memory; `stride` counts values (of the heap's
 * precision) between the starts of consecutive rows of a row-major matrix. The argument order is the
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
