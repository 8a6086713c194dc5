/**
 * Fused layers of the engine: forward over a whole sequence keeping what backpropagation
 * through time needs, and backward accumulating gradients. Float64, preallocated per
 * maximum sequence length; nothing is allocated per time step. The recurrent layers keep
 * their arrays in the engine heap (heap.ts) and run their matrix products in its
 * WebAssembly SIMD kernels; elementwise work (gates, activations) is done here.
 */
import { Activation, ACTIVATIONS, ActivationName } from '../core/activations';
import { addr, Alloc, javascriptKernels, Kernels } from './heap';

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
  /** Set on the first layer: nothing needs the gradient w.r.t. the network's input. */
  skipInputGradient?: boolean;
}

/** Where a layer keeps its arrays, and the kernels that work on them. */
export interface LayerMemory {
  alloc: Alloc;
  kernels: Kernels;
  owns(a: Float64Array): boolean;
}

/** Plain JavaScript arrays (layers that use no kernels, and tests). */
export const JS_MEMORY: LayerMemory = {
  alloc: (n) => new Float64Array(n),
  kernels: javascriptKernels(() => {
    throw new Error('JS_MEMORY has no kernels: build recurrent layers on an engine heap.');
  }),
  owns: () => false,
};

/**
 * Kernel address of a layer's input: `x` itself when it lives in the layer's memory (the
 * previous layer's output), else its first n values copied into `copy` (at address pCopy).
 */
function inputAddress(mem: LayerMemory, x: Float64Array, n: number, copy: Float64Array, pCopy: number): number {
  if (mem.owns(x)) return addr(x);
  for (let k = 0; k < n; k++) copy[k] = x[k];
  return pCopy;
}

function param(name: string, size: number, isKernel: boolean, alloc: Alloc = (n) => new Float64Array(n)): Param {
  return { name, value: alloc(size), grad: alloc(size), isKernel };
}

/** Dense applied at every step: y = act(x·W + b); the products in the heap's kernels. */
export class DenseLayer implements FusedLayer {
  readonly params: Param[];
  skipInputGradient = false;
  private readonly K: Kernels;
  private y = new Float64Array(0);
  private dx = new Float64Array(0);
  private das = new Float64Array(0); // [T × O]: gradient w.r.t. each step's pre-activation
  private xin = new Float64Array(0); // the input copied into the heap when it lives elsewhere
  private pX = 0;
  private pXin = 0;
  private pY = 0;
  private pDx = 0;
  private pDas = 0;
  private readonly pW: number;
  private readonly pGW: number;
  private readonly act: Activation;
  constructor(readonly inSize: number, readonly outSize: number, act: ActivationName, private readonly mem: LayerMemory = JS_MEMORY) {
    this.act = ACTIVATIONS[act];
    this.params = [param('kernel', inSize * outSize, true, mem.alloc), param('bias', outSize, false, mem.alloc)];
    this.K = mem.kernels;
    this.pW = addr(this.params[0].value);
    this.pGW = addr(this.params[0].grad);
  }
  outSteps(T: number): number {
    return T;
  }
  reserve(T: number): void {
    if (this.y.length < T * this.outSize) {
      this.y = this.mem.alloc(T * this.outSize);
      this.dx = this.mem.alloc(T * this.inSize);
      this.xin = this.mem.alloc(T * this.inSize);
      this.das = this.mem.alloc(T * this.outSize);
      this.pY = addr(this.y);
      this.pDx = addr(this.dx);
      this.pXin = addr(this.xin);
      this.pDas = addr(this.das);
    }
  }
  forward(x: Float64Array, T: number): Float64Array {
    const I = this.inSize;
    const O = this.outSize;
    this.pX = inputAddress(this.mem, x, T * I, this.xin, this.pXin);
    const b = this.params[1].value;
    const y = this.y;
    for (let t = 0; t < T; t++) {
      y.set(b, t * O);
      this.K.mvacc(this.pY + 8 * t * O, this.pX + 8 * t * I, I, this.pW, O, O);
      this.act.valueInto(y, t * O, y, t * O, O);
    }
    return y.subarray(0, T * O);
  }
  backward(dy: Float64Array, T: number): Float64Array {
    const gb = this.params[1].grad;
    const I = this.inSize;
    const O = this.outSize;
    const da = this.das;
    this.act.slopeInto(this.y, 0, da, 0, T * O);
    for (let k = 0; k < T * O; k++) da[k] *= dy[k];
    for (let t = 0; t < T; t++) for (let o = 0; o < O; o++) gb[o] += da[t * O + o];
    // gW += Σ_t x_tᵀ·da_t; dx_t = da_t·Wᵀ
    this.K.mtacc(this.pGW, O, this.pX, I, I, this.pDas, O, O, T);
    if (!this.skipInputGradient) for (let t = 0; t < T; t++) this.K.mvdot(this.pDx + 8 * t * I, this.pDas + 8 * t * O, I, this.pW, O, O, 0);
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

/** Below this many values, a call into the kernels costs more than Math.tanh / Math.exp. */
const MIN_KERNEL_ACTIVATIONS = 8;

/**
 * Common frame of the recurrent layers (kernel [I × G], recurrent kernel [U × G], bias [G]
 * with G = gates · units), kept in the engine heap. The input part of every step,
 * x_t·W + b, does not depend on the state, so it is computed for all steps before the
 * recurrence, and its gradients (W, b and the input) after backpropagation through time:
 * the per-step work is only the recurrent part. Products run in the heap's kernels, the
 * elementwise work here. The full hidden sequence is kept; when `returnSequences` is false
 * only the last step is passed on.
 */
abstract class RecurrentBase implements FusedLayer {
  readonly params: Param[];
  skipInputGradient = false;
  protected readonly K: Kernels;
  protected hs = new Float64Array(0); // [(T+1) × units], row 0 = initial state (zeros)
  /** [T × G]: pre-activations x_t·W + b (+ h·R in the step), then the activated gates. */
  protected zs = new Float64Array(0);
  /** [T × G]: gradient w.r.t. each step's pre-activations. */
  protected dzs = new Float64Array(0);
  protected dxs = new Float64Array(0);
  protected dhs = new Float64Array(0); // gradient w.r.t. each step's output, [T × units]
  private xin = new Float64Array(0); // the input copied into the heap when it lives elsewhere
  private ones = new Float64Array(0);
  private dhBuf = new Float64Array(0);
  /** Gradient w.r.t. h_{t−1}, written by backStep(t) (and read by the step before). */
  protected dhPrev = new Float64Array(0);
  // byte addresses for the kernels, computed once (byteOffset is slow on shared buffers)
  protected pW: number;
  protected pR: number;
  protected pGW: number;
  protected pGR: number;
  protected pGb: number;
  protected pZs = 0;
  protected pDzs = 0;
  protected pHs = 0;
  protected pX = 0;
  private pXin = 0;
  private pDxs = 0;
  private pOnes = 0;
  protected pDhs = 0;
  protected pDhPrev = 0;
  constructor(readonly inSize: number, readonly units: number, readonly returnSequences: boolean, protected readonly G: number, protected readonly mem: LayerMemory) {
    this.K = mem.kernels;
    this.params = [param('kernel', inSize * G, true, mem.alloc), param('recurrent_kernel', units * G, true, mem.alloc), param('bias', G, false, mem.alloc)];
    this.pW = addr(this.params[0].value);
    this.pR = addr(this.params[1].value);
    this.pGW = addr(this.params[0].grad);
    this.pGR = addr(this.params[1].grad);
    this.pGb = addr(this.params[2].grad);
  }
  get outSize(): number {
    return this.units;
  }
  outSteps(T: number): number {
    return this.returnSequences ? T : 1;
  }
  reserve(T: number): void {
    if (this.hs.length < (T + 1) * this.units) {
      const alloc = this.mem.alloc;
      this.hs = alloc((T + 1) * this.units);
      this.zs = alloc(T * this.G);
      this.dzs = alloc(T * this.G);
      this.dxs = alloc(T * this.inSize);
      this.xin = alloc(T * this.inSize);
      this.dhs = alloc(T * this.units);
      this.ones = alloc(T).fill(1);
      this.dhBuf = alloc(this.units);
      this.dhPrev = alloc(this.units);
      this.pZs = addr(this.zs);
      this.pDzs = addr(this.dzs);
      this.pHs = addr(this.hs);
      this.pXin = addr(this.xin);
      this.pDxs = addr(this.dxs);
      this.pOnes = addr(this.ones);
      this.pDhs = addr(this.dhs);
      this.pDhPrev = addr(this.dhPrev);
      this.reserveInternals(T);
    }
  }
  protected abstract reserveInternals(T: number): void;
  /** Completes zs row t with the recurrent part, activates it and writes hs row t+1. */
  protected abstract step(t: number): void;
  /** Writes dzs row t from the gradient w.r.t. h_t (see dhAt) and writes dhPrev (w.r.t. h_{t−1}). */
  protected abstract backStep(t: number): void;

  /** The gradient w.r.t. h_t: from the layer's output at t plus from step t + 1 (dhPrev). */
  protected dhAt(t: number): Float64Array {
    const U = this.units;
    const dh = this.dhBuf;
    for (let u = 0; u < U; u++) dh[u] = this.dhs[t * U + u] + this.dhPrev[u];
    return dh;
  }

  forward(x: Float64Array, T: number): Float64Array {
    const G = this.G;
    const I = this.inSize;
    this.pX = inputAddress(this.mem, x, T * I, this.xin, this.pXin);
    const b = this.params[2].value;
    const zs = this.zs;
    for (let t = 0; t < T; t++) zs.set(b, t * G);
    for (let t = 0; t < T; t++) this.K.mvacc(this.pZs + 8 * t * G, this.pX + 8 * t * I, I, this.pW, G, G);
    for (let u = 0; u < this.units; u++) this.hs[u] = 0;
    this.resetState();
    for (let t = 0; t < T; t++) this.step(t);
    return this.returnSequences ? this.hs.subarray(this.units, (T + 1) * this.units) : this.hs.subarray(T * this.units, (T + 1) * this.units);
  }
  protected resetState(): void {}

  backward(dy: Float64Array, T: number): Float64Array {
    const U = this.units;
    const G = this.G;
    const I = this.inSize;
    const dhs = this.dhs;
    if (this.returnSequences) for (let k = 0; k < T * U; k++) dhs[k] = dy[k];
    else {
      for (let k = 0; k < (T - 1) * U; k++) dhs[k] = 0;
      for (let u = 0; u < U; u++) dhs[(T - 1) * U + u] = dy[u];
    }
    this.resetBackState();
    for (let u = 0; u < U; u++) this.dhPrev[u] = 0;
    for (let t = T - 1; t >= 0; t--) this.backStep(t);
    // the weight gradients over the whole sequence: gR (recurrentGradients), gb += Σ_t dz_t,
    // gW += Σ_t x_tᵀ·dz_t; and the input's gradient dx_t = dz_t·Wᵀ
    this.recurrentGradients(T);
    this.K.mvacc(this.pGb, this.pOnes, T, this.pDzs, G, G);
    this.K.mtacc(this.pGW, G, this.pX, I, I, this.pDzs, G, G, T);
    if (!this.skipInputGradient) for (let t = 0; t < T; t++) this.K.mvdot(this.pDxs + 8 * t * I, this.pDzs + 8 * t * G, I, this.pW, G, G, 0);
    return this.dxs;
  }
  protected resetBackState(): void {}

  /**
   * dst[dOff…dOff+n) = act(src[sOff…sOff+n)) for heap arrays: tanh and sigmoid in the
   * heap's kernels (the engine's largest elementwise cost), the cheap ones in JavaScript.
   */
  protected activate(act: Activation, src: Float64Array, pSrc: number, sOff: number, dst: Float64Array, pDst: number, dOff: number, n: number): void {
    if (n >= MIN_KERNEL_ACTIVATIONS && act.name === 'tanh') this.K.activate(pSrc + 8 * sOff, pDst + 8 * dOff, n, 1);
    else if (n >= MIN_KERNEL_ACTIVATIONS && act.name === 'sigmoid') this.K.activate(pSrc + 8 * sOff, pDst + 8 * dOff, n, 0);
    else act.valueInto(src, sOff, dst, dOff, n);
  }

  /** zs[t·G + from + j] += Σ_k h_{t−1}[k] · R[k·G + from + j], j < n. */
  protected addRecurrent(t: number, from: number, n: number): void {
    this.K.mvacc(this.pZs + 8 * (t * this.G + from), this.pHs + 8 * t * this.units, this.units, this.pR + 8 * from, this.G, n);
  }

  /** dhPrev (the buffer backStep is given) = (accumulate 0) or += (1) R·dz_t over gates from…from+n. */
  protected backRecurrent(t: number, from: number, n: number, accumulate: 0 | 1): void {
    this.K.mvdot(this.pDhPrev, this.pDzs + 8 * (t * this.G + from), this.units, this.pR + 8 * from, this.G, n, accumulate);
  }

  /** After BPTT: gR += Σ_t h_{t−1}ᵀ·dz_t (the recurrent kernel's gradient over the sequence). */
  protected recurrentGradients(T: number): void {
    this.K.mtacc(this.pGR, this.G, this.pHs, this.units, this.units, this.pDzs, this.G, this.G, T);
  }
}

/** tfjs SimpleRNN: h_t = act(x_t·W + h_{t−1}·U + b). */
export class ElmanLayer extends RecurrentBase {
  private readonly act: Activation;
  constructor(inSize: number, units: number, returnSequences: boolean, act: ActivationName, mem: LayerMemory) {
    super(inSize, units, returnSequences, units, mem);
    this.act = ACTIVATIONS[act];
  }
  protected reserveInternals(): void {}
  protected step(t: number): void {
    const U = this.units;
    this.addRecurrent(t, 0, U);
    this.activate(this.act, this.zs, this.pZs, t * U, this.hs, this.pHs, (t + 1) * U, U);
  }
  protected backStep(t: number): void {
    const U = this.units;
    const o = t * U;
    const dzs = this.dzs;
    const dh = this.dhAt(t);
    this.act.slopeInto(this.hs, o + U, dzs, o, U);
    for (let u = 0; u < U; u++) dzs[o + u] *= dh[u];
    this.backRecurrent(t, 0, U, 0);
  }
}

/** tfjs LSTM (gates i, f, c, o): c_t = f·c_{t−1} + i·act(z_c), h_t = o·act(c_t). */
export class LSTMLayer extends RecurrentBase {
  private cs = new Float64Array(0); // [(T+1) × U]
  private acs = new Float64Array(0); // [(T+1) × U]: act(c_t)
  private dg = new Float64Array(0); // scratch: gate derivatives
  private dac = new Float64Array(0); // scratch: act′(c_t)
  private dc = new Float64Array(0);
  private pCs = 0;
  private pAcs = 0;
  private pDc = 0;
  /** tfjs's default activations (sigmoid gates, tanh): the whole cell runs in the kernels. */
  private readonly fused: boolean;
  private readonly act: Activation;
  private readonly rec: Activation;
  constructor(inSize: number, units: number, returnSequences: boolean, act: ActivationName, rec: ActivationName, mem: LayerMemory) {
    super(inSize, units, returnSequences, 4 * units, mem);
    this.act = ACTIVATIONS[act];
    this.rec = ACTIVATIONS[rec];
    this.fused = rec === 'sigmoid' && act === 'tanh';
  }
  protected reserveInternals(T: number): void {
    const alloc = this.mem.alloc;
    this.cs = alloc((T + 1) * this.units);
    this.acs = alloc((T + 1) * this.units);
    this.dg = alloc(4 * this.units);
    this.dac = alloc(this.units);
    this.dc = alloc(this.units);
    this.pCs = addr(this.cs);
    this.pAcs = addr(this.acs);
    this.pDc = addr(this.dc);
  }
  protected resetState(): void {
    for (let u = 0; u < this.units; u++) this.cs[u] = 0;
  }
  protected resetBackState(): void {
    for (let u = 0; u < this.units; u++) this.dc[u] = 0;
  }
  protected step(t: number): void {
    const U = this.units;
    const hp = t * U;
    const go = t * this.G;
    const g = this.zs;
    const cs = this.cs;
    this.addRecurrent(t, 0, 4 * U);
    if (this.fused) {
      this.K.lstmStep(this.pZs + 8 * go, this.pCs + 8 * hp, this.pCs + 8 * (hp + U), this.pAcs + 8 * (hp + U), this.pHs + 8 * (hp + U), U);
      return;
    }
    const pg = this.pZs;
    this.activate(this.rec, g, pg, go, g, pg, go, 2 * U);
    this.activate(this.act, g, pg, go + 2 * U, g, pg, go + 2 * U, U);
    this.activate(this.rec, g, pg, go + 3 * U, g, pg, go + 3 * U, U);
    for (let u = 0; u < U; u++) cs[hp + U + u] = g[go + U + u] * cs[hp + u] + g[go + u] * g[go + 2 * U + u];
    this.activate(this.act, cs, this.pCs, hp + U, this.acs, this.pAcs, hp + U, U);
    for (let u = 0; u < U; u++) this.hs[hp + U + u] = g[go + 3 * U + u] * this.acs[hp + U + u];
  }
  protected backStep(t: number): void {
    const U = this.units;
    const hp = t * U;
    const go = t * this.G;
    if (this.fused) {
      this.K.lstmBack(this.pZs + 8 * go, this.pCs + 8 * hp, this.pAcs + 8 * (hp + U), this.pDhs + 8 * hp, this.pDhPrev, this.pDc, this.pDzs + 8 * go, U);
      this.backRecurrent(t, 0, 4 * U, 0);
      return;
    }
    const dh = this.dhAt(t);
    const g = this.zs;
    const dg = this.dg;
    const dac = this.dac;
    const dz = this.dzs;
    const dc = this.dc;
    this.rec.slopeInto(g, go, dg, 0, 2 * U);
    this.act.slopeInto(g, go + 2 * U, dg, 2 * U, U);
    this.rec.slopeInto(g, go + 3 * U, dg, 3 * U, U);
    this.act.slopeInto(this.acs, hp + U, dac, 0, U);
    for (let u = 0; u < U; u++) {
      const ac = this.acs[hp + U + u];
      const ig = g[go + u];
      const fg = g[go + U + u];
      const cg = g[go + 2 * U + u];
      const og = g[go + 3 * U + u];
      const dcTot = dc[u] + dh[u] * og * dac[u];
      dz[go + 3 * U + u] = dh[u] * ac * dg[3 * U + u];
      dz[go + u] = dcTot * cg * dg[u];
      dz[go + U + u] = dcTot * this.cs[hp + u] * dg[U + u];
      dz[go + 2 * U + u] = dcTot * ig * dg[2 * U + u];
      dc[u] = dcTot * fg;
    }
    this.backRecurrent(t, 0, 4 * U, 0);
  }
}

/**
 * tfjs GRU (reset before the product, gates z, r, h):
 * z = rec(x·Wz + h·Uz + bz), r = rec(x·Wr + h·Ur + br), ĥ = act(x·Wh + (r∘h)·Uh + bh),
 * h_t = z∘h_{t−1} + (1 − z)∘ĥ.
 */
export class GRULayer extends RecurrentBase {
  private rhs = new Float64Array(0); // [T × U]: r_t ∘ h_{t−1}
  private drh = new Float64Array(0);
  private dg = new Float64Array(0); // scratch: gate derivatives
  private pRhs = 0;
  private pDrh = 0;
  private readonly act: Activation;
  private readonly rec: Activation;
  constructor(inSize: number, units: number, returnSequences: boolean, act: ActivationName, rec: ActivationName, mem: LayerMemory) {
    super(inSize, units, returnSequences, 3 * units, mem);
    this.act = ACTIVATIONS[act];
    this.rec = ACTIVATIONS[rec];
  }
  protected reserveInternals(T: number): void {
    const alloc = this.mem.alloc;
    this.rhs = alloc(T * this.units);
    this.drh = alloc(this.units);
    this.dg = alloc(3 * this.units);
    this.pRhs = addr(this.rhs);
    this.pDrh = addr(this.drh);
  }
  protected step(t: number): void {
    const U = this.units;
    const G = this.G;
    const hp = t * U;
    const go = t * G;
    const g = this.zs;
    const rhs = this.rhs;
    // recurrent part of z and r, then of ĥ with the reset gate applied to h
    this.addRecurrent(t, 0, 2 * U);
    this.activate(this.rec, g, this.pZs, go, g, this.pZs, go, 2 * U);
    for (let k = 0; k < U; k++) rhs[hp + k] = g[go + U + k] * this.hs[hp + k];
    this.K.mvacc(this.pZs + 8 * (go + 2 * U), this.pRhs + 8 * hp, U, this.pR + 16 * U, G, U);
    this.activate(this.act, g, this.pZs, go + 2 * U, g, this.pZs, go + 2 * U, U);
    for (let u = 0; u < U; u++) {
      const zu = g[go + u];
      this.hs[hp + U + u] = zu * this.hs[hp + u] + (1 - zu) * g[go + 2 * U + u];
    }
  }
  protected backStep(t: number): void {
    const U = this.units;
    const G = this.G;
    const dh = this.dhAt(t);
    const dhPrev = this.dhPrev;
    const hp = t * U;
    const go = t * G;
    const g = this.zs;
    const dg = this.dg;
    const dz = this.dzs;
    const drh = this.drh;
    this.rec.slopeInto(g, go, dg, 0, 2 * U);
    this.act.slopeInto(g, go + 2 * U, dg, 2 * U, U);
    // candidate ĥ and update gate z
    for (let u = 0; u < U; u++) {
      const zu = g[go + u];
      const hh = g[go + 2 * U + u];
      dz[go + 2 * U + u] = dh[u] * (1 - zu) * dg[2 * U + u];
      dz[go + u] = dh[u] * (this.hs[hp + u] - hh) * dg[u];
      dhPrev[u] = dh[u] * zu;
    }
    // through (r∘h)·Uh: d(r∘h) = Uh·dĥ (gUh after the sequence, recurrentGradients)
    this.K.mvdot(this.pDrh, this.pDzs + 8 * (go + 2 * U), U, this.pR + 16 * U, G, U, 0);
    for (let k = 0; k < U; k++) {
      const rk = g[go + U + k];
      dhPrev[k] += drh[k] * rk;
      dz[go + U + k] = drh[k] * this.hs[hp + k] * dg[U + k];
    }
    // through h·Uz and h·Ur
    this.backRecurrent(t, 0, 2 * U, 1);
  }

  /** gUz, gUr += Σ_t h_{t−1}ᵀ·dz_t; gUh += Σ_t (r_t∘h_{t−1})ᵀ·dĥ_t. */
  protected recurrentGradients(T: number): void {
    const U = this.units;
    this.K.mtacc(this.pGR, this.G, this.pHs, U, U, this.pDzs, this.G, 2 * U, T);
    this.K.mtacc(this.pGR + 16 * U, this.G, this.pRhs, U, U, this.pDzs + 16 * U, this.G, U, T);
  }
}
