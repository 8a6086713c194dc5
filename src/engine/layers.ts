/**
 * Fused layers of the engine: forward over a whole sequence keeping what backpropagation
 * through time needs, and backward accumulating gradients. Float64, preallocated per
 * maximum sequence length; nothing is allocated per time step.
 */
export type Activation = 'tanh' | 'sigmoid' | 'hardSigmoid' | 'relu' | 'linear';

export function activate(name: Activation, x: number): number {
  switch (name) {
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'hardSigmoid':
      return x <= -2.5 ? 0 : x >= 2.5 ? 1 : 0.2 * x + 0.5;
    case 'relu':
      return x > 0 ? x : 0;
    default:
      return x;
  }
}

/** Derivative expressed through the activation's output y. */
export function derivative(name: Activation, y: number): number {
  switch (name) {
    case 'tanh':
      return 1 - y * y;
    case 'sigmoid':
      return y * (1 - y);
    case 'hardSigmoid':
      return y > 0 && y < 1 ? 0.2 : 0;
    case 'relu':
      return y > 0 ? 1 : 0;
    default:
      return 1;
  }
}

/**
 * out[j] += Σ_i v[off + i] · M[i·cols + j] for j < cols: a row-vector × matrix product
 * accumulated in place, walking M row by row (contiguous memory).
 */
export function affineAccumulate(out: Float64Array, v: Float64Array, off: number, rows: number, M: Float64Array, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const vi = v[off + i];
    if (vi === 0) continue;
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j] += vi * M[base + j];
  }
}

/**
 * Backward of `out = v·M` (v a row at `v[off…off+rows)`, M rows×cols): accumulates
 * gM += vᵀ·d and writes dv[dvOff + i] = Σ_j M[i·cols + j]·d[j] (or adds it when `add`).
 */
export function affineBackward(d: Float64Array, v: Float64Array, off: number, rows: number, M: Float64Array, gM: Float64Array, cols: number, dv: Float64Array, dvOff: number, add = false): void {
  for (let i = 0; i < rows; i++) {
    const vi = v[off + i];
    const base = i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      gM[base + j] += vi * d[j];
      s += M[base + j] * d[j];
    }
    dv[dvOff + i] = add ? dv[dvOff + i] + s : s;
  }
}

/** One trainable array of a layer, matching one tfjs weight. */
export interface Param {
  name: string;
  value: Float64Array;
  grad: Float64Array;
  /** Kernels get the L2 penalty and weight decay; biases do not. */
  isKernel: boolean;
}

/** A layer working on one sample: input [T × inSize] → output [T × outSize]. */
export interface FusedLayer {
  readonly inSize: number;
  readonly outSize: number;
  readonly params: Param[];
  /** Output steps for T input steps (1 for a recurrent layer that returns only the last step, or Flatten). */
  outSteps(T: number): number;
  forward(x: Float64Array, T: number): Float64Array;
  /** dy: gradient w.r.t. this layer's output; returns the gradient w.r.t. its input. */
  backward(dy: Float64Array, T: number): Float64Array;
  /** Size buffers for sequences up to T steps. */
  reserve(T: number): void;
}

function param(name: string, size: number, isKernel: boolean): Param {
  return { name, value: new Float64Array(size), grad: new Float64Array(size), isKernel };
}

/** Dense applied at every step: y = act(x·W + b). */
export class DenseLayer implements FusedLayer {
  readonly params: Param[];
  private x = new Float64Array(0);
  private y = new Float64Array(0);
  private dx = new Float64Array(0);
  private da = new Float64Array(0);
  constructor(readonly inSize: number, readonly outSize: number, private readonly act: Activation) {
    this.params = [param('kernel', inSize * outSize, true), param('bias', outSize, false)];
  }
  outSteps(T: number): number {
    return T;
  }
  reserve(T: number): void {
    if (this.y.length < T * this.outSize) {
      this.y = new Float64Array(T * this.outSize);
      this.dx = new Float64Array(T * this.inSize);
      this.da = new Float64Array(this.outSize);
    }
  }
  forward(x: Float64Array, T: number): Float64Array {
    this.x = x;
    const W = this.params[0].value;
    const b = this.params[1].value;
    const I = this.inSize;
    const O = this.outSize;
    for (let t = 0; t < T; t++) {
      for (let o = 0; o < O; o++) {
        let s = b[o];
        for (let i = 0; i < I; i++) s += x[t * I + i] * W[i * O + o];
        this.y[t * O + o] = activate(this.act, s);
      }
    }
    return this.y.subarray(0, T * O);
  }
  backward(dy: Float64Array, T: number): Float64Array {
    const W = this.params[0].value;
    const gW = this.params[0].grad;
    const gb = this.params[1].grad;
    const I = this.inSize;
    const O = this.outSize;
    const x = this.x;
    const da = this.da;
    for (let t = 0; t < T; t++) {
      for (let o = 0; o < O; o++) {
        da[o] = dy[t * O + o] * derivative(this.act, this.y[t * O + o]);
        gb[o] += da[o];
      }
      affineBackward(da, x, t * I, I, W, gW, O, this.dx, t * I);
    }
    return this.dx.subarray(0, T * I);
  }
}

/** Flatten [T × F] → [1 × T·F] (a no-op on the row-major buffer). */
export class FlattenLayer implements FusedLayer {
  readonly params: Param[] = [];
  readonly outSize: number;
  constructor(readonly inSize: number, private readonly steps: number) {
    this.outSize = inSize * steps;
  }
  outSteps(): number {
    return 1;
  }
  reserve(): void {}
  forward(x: Float64Array): Float64Array {
    return x;
  }
  backward(dy: Float64Array): Float64Array {
    return dy;
  }
}

/**
 * Common frame of the recurrent layers: the full hidden sequence is computed; when
 * `returnSequences` is false only the last step is passed on.
 */
abstract class RecurrentBase implements FusedLayer {
  abstract readonly params: Param[];
  protected T = 0;
  protected hs = new Float64Array(0); // [(T+1) × units], row 0 = initial state (zeros)
  protected dxs = new Float64Array(0);
  protected dhs = new Float64Array(0); // gradient w.r.t. each step's output, [T × units]
  protected x = new Float64Array(0);
  constructor(readonly inSize: number, readonly units: number, readonly returnSequences: boolean) {}
  get outSize(): number {
    return this.units;
  }
  outSteps(T: number): number {
    return this.returnSequences ? T : 1;
  }
  reserve(T: number): void {
    if (this.hs.length < (T + 1) * this.units) {
      this.hs = new Float64Array((T + 1) * this.units);
      this.dxs = new Float64Array(T * this.inSize);
      this.dhs = new Float64Array(T * this.units);
      this.reserveInternals(T);
    }
  }
  protected abstract reserveInternals(T: number): void;
  protected abstract step(t: number): void;
  protected abstract backStep(t: number, dh: Float64Array, dhPrev: Float64Array): void;

  forward(x: Float64Array, T: number): Float64Array {
    this.x = x;
    this.T = T;
    this.hs.fill(0, 0, this.units);
    this.resetState();
    for (let t = 0; t < T; t++) this.step(t);
    return this.returnSequences ? this.hs.subarray(this.units, (T + 1) * this.units) : this.hs.subarray(T * this.units, (T + 1) * this.units);
  }
  protected resetState(): void {}

  private dhBuf = new Float64Array(0);
  private dhPrevBuf = new Float64Array(0);
  backward(dy: Float64Array, T: number): Float64Array {
    const U = this.units;
    if (this.dhBuf.length < U) {
      this.dhBuf = new Float64Array(U);
      this.dhPrevBuf = new Float64Array(U);
    }
    this.dhs.fill(0, 0, T * U);
    if (this.returnSequences) this.dhs.set(dy.subarray(0, T * U));
    else this.dhs.set(dy.subarray(0, U), (T - 1) * U);
    this.dxs.fill(0, 0, T * this.inSize);
    this.resetBackState();
    const dh = this.dhBuf;
    const dhPrev = this.dhPrevBuf;
    dhPrev.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      for (let u = 0; u < U; u++) dh[u] = this.dhs[t * U + u] + dhPrev[u];
      dhPrev.fill(0);
      this.backStep(t, dh, dhPrev);
    }
    return this.dxs;
  }
  protected resetBackState(): void {}
}

/** tfjs SimpleRNN: h_t = act(x_t·W + h_{t−1}·U + b). */
export class ElmanLayer extends RecurrentBase {
  readonly params: Param[];
  private da = new Float64Array(0);
  constructor(inSize: number, units: number, returnSequences: boolean, private readonly act: Activation) {
    super(inSize, units, returnSequences);
    this.params = [param('kernel', inSize * units, true), param('recurrent_kernel', units * units, true), param('bias', units, false)];
  }
  protected reserveInternals(): void {
    this.da = new Float64Array(this.units);
  }
  protected step(t: number): void {
    const [W, R, b] = [this.params[0].value, this.params[1].value, this.params[2].value];
    const I = this.inSize;
    const U = this.units;
    const x = this.x;
    const hp = t * U;
    const z = this.da; // scratch: pre-activations
    z.set(b);
    affineAccumulate(z, x, t * I, I, W, U);
    affineAccumulate(z, this.hs, hp, U, R, U);
    for (let u = 0; u < U; u++) this.hs[hp + U + u] = activate(this.act, z[u]);
  }
  protected backStep(t: number, dh: Float64Array, dhPrev: Float64Array): void {
    const [W, R] = [this.params[0].value, this.params[1].value];
    const [gW, gR, gb] = [this.params[0].grad, this.params[1].grad, this.params[2].grad];
    const I = this.inSize;
    const U = this.units;
    const hp = t * U;
    const da = this.da;
    for (let u = 0; u < U; u++) {
      da[u] = dh[u] * derivative(this.act, this.hs[hp + U + u]);
      gb[u] += da[u];
    }
    affineBackward(da, this.x, t * I, I, W, gW, U, this.dxs, t * I);
    affineBackward(da, this.hs, hp, U, R, gR, U, dhPrev, 0);
  }
}

/** tfjs LSTM (gates i, f, c, o): c_t = f·c_{t−1} + i·act(z_c), h_t = o·act(c_t). */
export class LSTMLayer extends RecurrentBase {
  readonly params: Param[];
  private gates = new Float64Array(0); // [T × 4U] activated gates
  private cs = new Float64Array(0); // [(T+1) × U]
  private dz = new Float64Array(0);
  private dc = new Float64Array(0);
  private pre = new Float64Array(0);
  constructor(inSize: number, units: number, returnSequences: boolean, private readonly act: Activation, private readonly rec: Activation) {
    super(inSize, units, returnSequences);
    this.params = [param('kernel', inSize * 4 * units, true), param('recurrent_kernel', units * 4 * units, true), param('bias', 4 * units, false)];
  }
  protected reserveInternals(T: number): void {
    this.gates = new Float64Array(T * 4 * this.units);
    this.cs = new Float64Array((T + 1) * this.units);
    this.dz = new Float64Array(4 * this.units);
    this.dc = new Float64Array(this.units);
    this.pre = new Float64Array(4 * this.units);
  }
  protected resetState(): void {
    this.cs.fill(0, 0, this.units);
  }
  protected resetBackState(): void {
    this.dc.fill(0);
  }
  protected step(t: number): void {
    const [W, R, b] = [this.params[0].value, this.params[1].value, this.params[2].value];
    const I = this.inSize;
    const U = this.units;
    const G = 4 * U;
    const x = this.x;
    const hp = t * U;
    const g = this.gates;
    const z = this.pre;
    z.set(b);
    affineAccumulate(z, x, t * I, I, W, G);
    affineAccumulate(z, this.hs, hp, U, R, G);
    for (let j = 0; j < G; j++) g[t * G + j] = activate(j >= 2 * U && j < 3 * U ? this.act : this.rec, z[j]);
    for (let u = 0; u < U; u++) {
      const c = g[t * G + U + u] * this.cs[hp + u] + g[t * G + u] * g[t * G + 2 * U + u];
      this.cs[hp + U + u] = c;
      this.hs[hp + U + u] = g[t * G + 3 * U + u] * activate(this.act, c);
    }
  }
  protected backStep(t: number, dh: Float64Array, dhPrev: Float64Array): void {
    const [W, R] = [this.params[0].value, this.params[1].value];
    const [gW, gR, gb] = [this.params[0].grad, this.params[1].grad, this.params[2].grad];
    const I = this.inSize;
    const U = this.units;
    const G = 4 * U;
    const hp = t * U;
    const g = this.gates;
    const dz = this.dz;
    const dc = this.dc;
    for (let u = 0; u < U; u++) {
      const c = this.cs[hp + U + u];
      const ac = activate(this.act, c);
      const ig = g[t * G + u];
      const fg = g[t * G + U + u];
      const cg = g[t * G + 2 * U + u];
      const og = g[t * G + 3 * U + u];
      const dcTot = dc[u] + dh[u] * og * derivative(this.act, ac);
      dz[3 * U + u] = dh[u] * ac * derivative(this.rec, og);
      dz[u] = dcTot * cg * derivative(this.rec, ig);
      dz[U + u] = dcTot * this.cs[hp + u] * derivative(this.rec, fg);
      dz[2 * U + u] = dcTot * ig * derivative(this.act, cg);
      dc[u] = dcTot * fg;
    }
    for (let j = 0; j < G; j++) gb[j] += dz[j];
    affineBackward(dz, this.x, t * I, I, W, gW, G, this.dxs, t * I);
    affineBackward(dz, this.hs, hp, U, R, gR, G, dhPrev, 0);
  }
}

/**
 * tfjs GRU (reset before the product, gates z, r, h):
 * z = rec(x·Wz + h·Uz + bz), r = rec(x·Wr + h·Ur + br), ĥ = act(x·Wh + (r∘h)·Uh + bh),
 * h_t = z∘h_{t−1} + (1 − z)∘ĥ.
 */
export class GRULayer extends RecurrentBase {
  readonly params: Param[];
  private gates = new Float64Array(0); // [T × 3U]: z, r, ĥ
  private dz = new Float64Array(0);
  private drh = new Float64Array(0);
  private pre = new Float64Array(0);
  constructor(inSize: number, units: number, returnSequences: boolean, private readonly act: Activation, private readonly rec: Activation) {
    super(inSize, units, returnSequences);
    this.params = [param('kernel', inSize * 3 * units, true), param('recurrent_kernel', units * 3 * units, true), param('bias', 3 * units, false)];
  }
  protected reserveInternals(T: number): void {
    this.gates = new Float64Array(T * 3 * this.units);
    this.dz = new Float64Array(3 * this.units);
    this.drh = new Float64Array(this.units);
    this.pre = new Float64Array(3 * this.units);
  }
  protected step(t: number): void {
    const [W, R, b] = [this.params[0].value, this.params[1].value, this.params[2].value];
    const I = this.inSize;
    const U = this.units;
    const G = 3 * U;
    const x = this.x;
    const hp = t * U;
    const g = this.gates;
    const z = this.pre;
    z.set(b);
    affineAccumulate(z, x, t * I, I, W, G);
    // recurrent part of z and r, then of ĥ with the reset gate applied to h
    for (let k = 0; k < U; k++) {
      const hk = this.hs[hp + k];
      const off = k * G;
      for (let j = 0; j < 2 * U; j++) z[j] += hk * R[off + j];
    }
    for (let j = 0; j < 2 * U; j++) g[t * G + j] = activate(this.rec, z[j]);
    for (let k = 0; k < U; k++) {
      const rh = g[t * G + U + k] * this.hs[hp + k];
      const off = k * G + 2 * U;
      for (let u = 0; u < U; u++) z[2 * U + u] += rh * R[off + u];
    }
    for (let u = 0; u < U; u++) g[t * G + 2 * U + u] = activate(this.act, z[2 * U + u]);
    for (let u = 0; u < U; u++) {
      const z = g[t * G + u];
      this.hs[hp + U + u] = z * this.hs[hp + u] + (1 - z) * g[t * G + 2 * U + u];
    }
  }
  protected backStep(t: number, dh: Float64Array, dhPrev: Float64Array): void {
    const [W, R] = [this.params[0].value, this.params[1].value];
    const [gW, gR, gb] = [this.params[0].grad, this.params[1].grad, this.params[2].grad];
    const I = this.inSize;
    const U = this.units;
    const G = 3 * U;
    const hp = t * U;
    const g = this.gates;
    const dz = this.dz;
    const drh = this.drh;
    // candidate ĥ and update gate z
    for (let u = 0; u < U; u++) {
      const z = g[t * G + u];
      const hh = g[t * G + 2 * U + u];
      dz[2 * U + u] = dh[u] * (1 - z) * derivative(this.act, hh);
      dz[u] = dh[u] * (this.hs[hp + u] - hh) * derivative(this.rec, z);
      dhPrev[u] = dh[u] * z;
    }
    // through (r∘h)·Uh
    for (let k = 0; k < U; k++) {
      let s = 0;
      for (let u = 0; u < U; u++) s += R[k * G + 2 * U + u] * dz[2 * U + u];
      drh[k] = s; // d(r_k h_k)
      const rk = g[t * G + U + k];
      const hk = this.hs[hp + k];
      for (let u = 0; u < U; u++) gR[k * G + 2 * U + u] += rk * hk * dz[2 * U + u];
      dhPrev[k] += s * rk;
    }
    for (let k = 0; k < U; k++) dz[U + k] = drh[k] * this.hs[hp + k] * derivative(this.rec, g[t * G + U + k]);
    for (let j = 0; j < G; j++) gb[j] += dz[j];
    affineBackward(dz, this.x, t * I, I, W, gW, G, this.dxs, t * I);
    for (let k = 0; k < U; k++) {
      const hk = this.hs[hp + k];
      let s = 0;
      for (let j = 0; j < 2 * U; j++) {
        gR[k * G + j] += hk * dz[j];
        s += R[k * G + j] * dz[j];
      }
      dhPrev[k] += s;
    }
  }
}
