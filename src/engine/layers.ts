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
 * dst[dOff + k] = activation(src[sOff + k]) for k < n: one dispatch per vector, not per
 * element (the per-element switch was the engine's largest single cost at batch 1).
 */
export function activateInto(name: Activation, src: Float64Array, sOff: number, dst: Float64Array, dOff: number, n: number): void {
  switch (name) {
    case 'tanh':
      for (let k = 0; k < n; k++) dst[dOff + k] = Math.tanh(src[sOff + k]);
      return;
    case 'sigmoid':
      for (let k = 0; k < n; k++) dst[dOff + k] = 1 / (1 + Math.exp(-src[sOff + k]));
      return;
    case 'hardSigmoid':
      for (let k = 0; k < n; k++) {
        const x = src[sOff + k];
        dst[dOff + k] = x <= -2.5 ? 0 : x >= 2.5 ? 1 : 0.2 * x + 0.5;
      }
      return;
    case 'relu':
      for (let k = 0; k < n; k++) {
        const x = src[sOff + k];
        dst[dOff + k] = x > 0 ? x : 0;
      }
      return;
    default:
      for (let k = 0; k < n; k++) dst[dOff + k] = src[sOff + k];
  }
}

/** dst[dOff + k] = activation′ expressed through the outputs y[yOff + k], for k < n. */
export function derivativeInto(name: Activation, y: Float64Array, yOff: number, dst: Float64Array, dOff: number, n: number): void {
  switch (name) {
    case 'tanh':
      for (let k = 0; k < n; k++) {
        const v = y[yOff + k];
        dst[dOff + k] = 1 - v * v;
      }
      return;
    case 'sigmoid':
      for (let k = 0; k < n; k++) {
        const v = y[yOff + k];
        dst[dOff + k] = v * (1 - v);
      }
      return;
    case 'hardSigmoid':
      for (let k = 0; k < n; k++) {
        const v = y[yOff + k];
        dst[dOff + k] = v > 0 && v < 1 ? 0.2 : 0;
      }
      return;
    case 'relu':
      for (let k = 0; k < n; k++) dst[dOff + k] = y[yOff + k] > 0 ? 1 : 0;
      return;
    default:
      dst.fill(1, dOff, dOff + n);
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
        this.y[t * O + o] = s;
      }
      activateInto(this.act, this.y, t * O, this.y, t * O, O);
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
      derivativeInto(this.act, this.y, t * O, da, 0, O);
      for (let o = 0; o < O; o++) {
        da[o] *= dy[t * O + o];
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
    const I = this.inSize;
    const U = this.units;
    const hp = t * U;
    const z = this.da; // scratch: pre-activations
    z.set(this.params[2].value);
    affineAccumulate(z, this.x, t * I, I, this.params[0].value, U);
    affineAccumulate(z, this.hs, hp, U, this.params[1].value, U);
    activateInto(this.act, z, 0, this.hs, hp + U, U);
  }
  protected backStep(t: number, dh: Float64Array, dhPrev: Float64Array): void {
    const gb = this.params[2].grad;
    const I = this.inSize;
    const U = this.units;
    const hp = t * U;
    const da = this.da;
    derivativeInto(this.act, this.hs, hp + U, da, 0, U);
    for (let u = 0; u < U; u++) {
      da[u] *= dh[u];
      gb[u] += da[u];
    }
    affineBackward(da, this.x, t * I, I, this.params[0].value, this.params[0].grad, U, this.dxs, t * I);
    affineBackward(da, this.hs, hp, U, this.params[1].value, this.params[1].grad, U, dhPrev, 0);
  }
}

/** tfjs LSTM (gates i, f, c, o): c_t = f·c_{t−1} + i·act(z_c), h_t = o·act(c_t). */
export class LSTMLayer extends RecurrentBase {
  readonly params: Param[];
  private gates = new Float64Array(0); // [T × 4U] activated gates
  private cs = new Float64Array(0); // [(T+1) × U]
  private acs = new Float64Array(0); // [(T+1) × U]: act(c_t)
  private dg = new Float64Array(0); // scratch: gate derivatives
  private dac = new Float64Array(0); // scratch: act′(c_t)
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
    this.acs = new Float64Array((T + 1) * this.units);
    this.dg = new Float64Array(4 * this.units);
    this.dac = new Float64Array(this.units);
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
    const I = this.inSize;
    const U = this.units;
    const G = 4 * U;
    const hp = t * U;
    const go = t * G;
    const g = this.gates;
    const z = this.pre;
    const cs = this.cs;
    z.set(this.params[2].value);
    affineAccumulate(z, this.x, t * I, I, this.params[0].value, G);
    affineAccumulate(z, this.hs, hp, U, this.params[1].value, G);
    activateInto(this.rec, z, 0, g, go, 2 * U);
    activateInto(this.act, z, 2 * U, g, go + 2 * U, U);
    activateInto(this.rec, z, 3 * U, g, go + 3 * U, U);
    for (let u = 0; u < U; u++) cs[hp + U + u] = g[go + U + u] * cs[hp + u] + g[go + u] * g[go + 2 * U + u];
    activateInto(this.act, cs, hp + U, this.acs, hp + U, U);
    for (let u = 0; u < U; u++) this.hs[hp + U + u] = g[go + 3 * U + u] * this.acs[hp + U + u];
  }
  protected backStep(t: number, dh: Float64Array, dhPrev: Float64Array): void {
    const gb = this.params[2].grad;
    const I = this.inSize;
    const U = this.units;
    const G = 4 * U;
    const hp = t * U;
    const go = t * G;
    const g = this.gates;
    const dg = this.dg;
    const dac = this.dac;
    const dz = this.dz;
    const dc = this.dc;
    derivativeInto(this.rec, g, go, dg, 0, 2 * U);
    derivativeInto(this.act, g, go + 2 * U, dg, 2 * U, U);
    derivativeInto(this.rec, g, go + 3 * U, dg, 3 * U, U);
    derivativeInto(this.act, this.acs, hp + U, dac, 0, U);
    for (let u = 0; u < U; u++) {
      const ac = this.acs[hp + U + u];
      const ig = g[go + u];
      const fg = g[go + U + u];
      const cg = g[go + 2 * U + u];
      const og = g[go + 3 * U + u];
      const dcTot = dc[u] + dh[u] * og * dac[u];
      dz[3 * U + u] = dh[u] * ac * dg[3 * U + u];
      dz[u] = dcTot * cg * dg[u];
      dz[U + u] = dcTot * this.cs[hp + u] * dg[U + u];
      dz[2 * U + u] = dcTot * ig * dg[2 * U + u];
      dc[u] = dcTot * fg;
    }
    for (let j = 0; j < G; j++) gb[j] += dz[j];
    affineBackward(dz, this.x, t * I, I, this.params[0].value, this.params[0].grad, G, this.dxs, t * I);
    affineBackward(dz, this.hs, hp, U, this.params[1].value, this.params[1].grad, G, dhPrev, 0);
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
  private dg = new Float64Array(0); // scratch: gate derivatives
  constructor(inSize: number, units: number, returnSequences: boolean, private readonly act: Activation, private readonly rec: Activation) {
    super(inSize, units, returnSequences);
    this.params = [param('kernel', inSize * 3 * units, true), param('recurrent_kernel', units * 3 * units, true), param('bias', 3 * units, false)];
  }
  protected reserveInternals(T: number): void {
    this.gates = new Float64Array(T * 3 * this.units);
    this.dz = new Float64Array(3 * this.units);
    this.drh = new Float64Array(this.units);
    this.pre = new Float64Array(3 * this.units);
    this.dg = new Float64Array(3 * this.units);
  }
  protected step(t: number): void {
    const R = this.params[1].value;
    const I = this.inSize;
    const U = this.units;
    const G = 3 * U;
    const hp = t * U;
    const go = t * G;
    const g = this.gates;
    const z = this.pre;
    z.set(this.params[2].value);
    affineAccumulate(z, this.x, t * I, I, this.params[0].value, G);
    // recurrent part of z and r, then of ĥ with the reset gate applied to h
    for (let k = 0; k < U; k++) {
      const hk = this.hs[hp + k];
      const off = k * G;
      for (let j = 0; j < 2 * U; j++) z[j] += hk * R[off + j];
    }
    activateInto(this.rec, z, 0, g, go, 2 * U);
    for (let k = 0; k < U; k++) {
      const rh = g[go + U + k] * this.hs[hp + k];
      const off = k * G + 2 * U;
      for (let u = 0; u < U; u++) z[2 * U + u] += rh * R[off + u];
    }
    activateInto(this.act, z, 2 * U, g, go + 2 * U, U);
    for (let u = 0; u < U; u++) {
      const zu = g[go + u];
      this.hs[hp + U + u] = zu * this.hs[hp + u] + (1 - zu) * g[go + 2 * U + u];
    }
  }
  protected backStep(t: number, dh: Float64Array, dhPrev: Float64Array): void {
    const R = this.params[1].value;
    const gR = this.params[1].grad;
    const gb = this.params[2].grad;
    const I = this.inSize;
    const U = this.units;
    const G = 3 * U;
    const hp = t * U;
    const go = t * G;
    const g = this.gates;
    const dg = this.dg;
    const dz = this.dz;
    const drh = this.drh;
    derivativeInto(this.rec, g, go, dg, 0, 2 * U);
    derivativeInto(this.act, g, go + 2 * U, dg, 2 * U, U);
    // candidate ĥ and update gate z
    for (let u = 0; u < U; u++) {
      const zu = g[go + u];
      const hh = g[go + 2 * U + u];
      dz[2 * U + u] = dh[u] * (1 - zu) * dg[2 * U + u];
      dz[u] = dh[u] * (this.hs[hp + u] - hh) * dg[u];
      dhPrev[u] = dh[u] * zu;
    }
    // through (r∘h)·Uh
    for (let k = 0; k < U; k++) {
      let s = 0;
      for (let u = 0; u < U; u++) s += R[k * G + 2 * U + u] * dz[2 * U + u];
      drh[k] = s; // d(r_k h_k)
      const rk = g[go + U + k];
      const hk = this.hs[hp + k];
      for (let u = 0; u < U; u++) gR[k * G + 2 * U + u] += rk * hk * dz[2 * U + u];
      dhPrev[k] += s * rk;
    }
    for (let k = 0; k < U; k++) dz[U + k] = drh[k] * this.hs[hp + k] * dg[U + k];
    for (let j = 0; j < G; j++) gb[j] += dz[j];
    affineBackward(dz, this.x, t * I, I, this.params[0].value, this.params[0].grad, G, this.dxs, t * I);
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
