/**
 * Fused layers of the engine: forward over a whole sequence keeping what backpropagation
 * through time needs, and backward accumulating gradients. In the heap's precision (float32
 * or float64, see heap.ts), preallocated per maximum sequence length; nothing is allocated
 * per time step. The layers keep their arrays in the engine heap (heap.ts, as `HeapArray`s)
 * and run their matrix products through products.ts in its kernels; the elementwise work
 * (gates, derivatives) is done here.
 *
 * Layout: a sequence is stored row-major, one row per time step ([T × width]). A recurrent
 * layer's kernel [inputs × G], recurrent kernel [units × G] and bias [G] hold one block of
 * `units` columns per gate (G = gates · units), in the order of the tfjs (and Keras) weights:
 * LSTM_GATES and GRU_GATES. A step's pre-activations (row t of zs) have the same blocks.
 */
import { type Activation, ACTIVATIONS, type ActivationName, type FloatArray } from '../core/activations';
import { type Alloc, HeapArray, javascriptKernels } from './heap';
import { ACTIVATION_KERNEL, type Kernels } from './kernel-abi';
import { MatrixBlock, Products, type StepRows } from './products';

/** One trainable array of a layer, matching one tfjs weight. */
export interface Param {
  name: string;
  value: FloatArray;
  grad: FloatArray;
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
  forward(x: FloatArray, T: number): FloatArray;
  /** dy: gradient w.r.t. this layer's output; returns the gradient w.r.t. its input. */
  backward(dy: FloatArray, T: number): FloatArray;
  /** Size buffers for sequences up to T steps. */
  reserve(T: number): void;
  /** Set on the first layer: nothing needs the gradient w.r.t. the network's input. */
  skipInputGradient?: boolean;
}

/** Where a layer keeps its arrays, and the kernels that work on them. */
export interface LayerMemory {
  alloc: Alloc;
  kernels: Kernels;
  owns(a: FloatArray): boolean;
}

/** Plain JavaScript arrays (layers that use no kernels, and tests). */
export const JS_MEMORY: LayerMemory = {
  alloc: (n) => new Float64Array(n),
  kernels: javascriptKernels(() => {
    throw new Error('JS_MEMORY has no kernels: build recurrent layers on an engine heap.');
  }),
  owns: () => false,
};

/** The LSTM's gates, in the order of their column blocks: input, forget, candidate c̃, output. */
const LSTM_GATES = { input: 0, forget: 1, candidate: 2, output: 3 } as const;

/** The GRU's gates, in the order of their column blocks: update z, reset r, candidate h̃. */
const GRU_GATES = { update: 0, reset: 1, candidate: 2 } as const;

/** Where each gate's block starts within a step's G values: the gate's index × units. */
function gateOffsets<K extends string>(gates: Readonly<Record<K, number>>, units: number): Readonly<Record<K, number>> {
  const offsets = {} as Record<K, number>;
  for (const k of Object.keys(gates) as K[]) offsets[k] = gates[k] * units;
  return offsets;
}

/** Stands for an array until reserve() allocates it. */
const UNRESERVED = new HeapArray(new Float64Array(0));

function heapArray(alloc: Alloc, n: number): HeapArray {
  return new HeapArray(alloc(n));
}

/** A [steps × stride] sequence stored in `a`, from value `from` of its first row. */
function rows(a: HeapArray, stride: number, from = 0): StepRows {
  return { address: a.at(from), stride };
}

/**
 * A layer's input as a heap array the kernels can address: `x` itself when it lives in the
 * layer's memory (the previous layer's output), else its first n values copied into `copy`.
 */
function heapInput(mem: LayerMemory, x: FloatArray, n: number, copy: HeapArray): HeapArray {
  if (mem.owns(x)) return new HeapArray(x);
  const c = copy.values;
  for (let k = 0; k < n; k++) c[k] = x[k];
  return copy;
}

function param(name: string, size: number, isKernel: boolean, alloc: Alloc = (n) => new Float64Array(n)): Param {
  return { name, value: alloc(size), grad: alloc(size), isKernel };
}

/** Dense applied at every step: y_t = act(x_t·W + b). */
export class DenseLayer implements FusedLayer {
  readonly params: Param[];
  skipInputGradient = false;
  private readonly products: Products;
  /** The kernel W [inSize × outSize] and its gradient. */
  private readonly kernel: MatrixBlock;
  private readonly kernelGradient: MatrixBlock;
  private y = UNRESERVED; // [T × O]
  private dx = UNRESERVED; // [T × I]
  private das = UNRESERVED; // [T × O]: gradient w.r.t. each step's pre-activation
  private xin = UNRESERVED; // [T × I]: the input copied into the heap when it lives elsewhere
  private x = UNRESERVED; // the input of the last forward: xin or the previous layer's output
  private readonly act: Activation;
  constructor(
    readonly inSize: number,
    readonly outSize: number,
    act: ActivationName,
    private readonly mem: LayerMemory = JS_MEMORY,
  ) {
    this.act = ACTIVATIONS[act];
    this.params = [param('kernel', inSize * outSize, true, mem.alloc), param('bias', outSize, false, mem.alloc)];
    this.products = new Products(mem.kernels);
    this.kernel = MatrixBlock.of(new HeapArray(this.params[0].value), inSize, outSize);
    this.kernelGradient = MatrixBlock.of(new HeapArray(this.params[0].grad), inSize, outSize);
  }
  outSteps(T: number): number {
    return T;
  }
  reserve(T: number): void {
    if (this.y.values.length < T * this.outSize) {
      const alloc = this.mem.alloc;
      this.y = heapArray(alloc, T * this.outSize);
      this.dx = heapArray(alloc, T * this.inSize);
      this.xin = heapArray(alloc, T * this.inSize);
      this.das = heapArray(alloc, T * this.outSize);
    }
  }
  forward(x: FloatArray, T: number): FloatArray {
    const I = this.inSize;
    const O = this.outSize;
    this.x = heapInput(this.mem, x, T * I, this.xin);
    const input = this.x;
    const b = this.params[1].value;
    const y = this.y;
    const ys = y.values;
    for (let t = 0; t < T; t++) {
      ys.set(b, t * O);
      this.products.addRowTimesMatrix(y.at(t * O), input.at(t * I), this.kernel);
      this.act.valueInto(ys, t * O, ys, t * O, O);
    }
    return ys.subarray(0, T * O);
  }
  backward(dy: FloatArray, T: number): FloatArray {
    const gb = this.params[1].grad;
    const I = this.inSize;
    const O = this.outSize;
    const da = this.das.values;
    this.act.slopeInto(this.y.values, 0, da, 0, T * O);
    for (let k = 0; k < T * O; k++) da[k] *= dy[k];
    for (let t = 0; t < T; t++) for (let o = 0; o < O; o++) gb[o] += da[t * O + o];
    // gW += Σ_t x_tᵀ·da_t; dx_t = W·da_t
    const into = this.kernelGradient;
    this.products.addWeightGradient({ into, inputs: rows(this.x, I), deltas: rows(this.das, O), steps: T });
    if (!this.skipInputGradient) {
      for (let t = 0; t < T; t++) this.products.matrixTimesColumn(this.dx.at(t * I), this.das.at(t * O), this.kernel);
    }
    return this.dx.values.subarray(0, T * I);
  }
}

/** Flatten [T × F] → [1 × T·F] (a no-op on the row-major buffer). */
export class FlattenLayer implements FusedLayer {
  readonly params: Param[] = [];
  readonly outSize: number;
  constructor(
    readonly inSize: number,
    steps: number,
  ) {
    this.outSize = inSize * steps;
  }
  outSteps(): number {
    return 1;
  }
  reserve(): void {}
  forward(x: FloatArray): FloatArray {
    return x;
  }
  backward(dy: FloatArray): FloatArray {
    return dy;
  }
}

/** Below this many values, a call into the kernels costs more than Math.tanh / Math.exp. */
const MIN_KERNEL_ACTIVATIONS = 8;

const NO_KERNEL = -1;

/** The `kind` of Kernels.activate that computes `act`, or NO_KERNEL. */
function kernelKind(act: Activation): 0 | 1 | typeof NO_KERNEL {
  if (act.name === 'tanh') return ACTIVATION_KERNEL.tanh;
  return act.name === 'sigmoid' ? ACTIVATION_KERNEL.sigmoid : NO_KERNEL;
}

/**
 * Common frame of the recurrent layers (kernel W [I × G], recurrent kernel R [U × G], bias b
 * [G], G = gates · units), kept in the engine heap. The input part of every step, x_t·W + b,
 * does not depend on the state, so it is computed for all steps before the recurrence, and
 * its gradients (W, b and the input) after backpropagation through time: the per-step work
 * is only the recurrent part. The full state sequence is kept; when `returnSequences` is
 * false only the last step is passed on.
 */
abstract class RecurrentBase implements FusedLayer {
  readonly params: Param[];
  skipInputGradient = false;
  protected readonly K: Kernels;
  protected readonly products: Products;
  /** W [inSize × G], R [units × G], and their gradients. */
  protected readonly kernel: MatrixBlock;
  protected readonly recurrent: MatrixBlock;
  private readonly kernelGradient: MatrixBlock;
  protected readonly recurrentGradient: MatrixBlock;
  /** b [G] and its gradient. */
  protected readonly bias: HeapArray;
  private readonly biasGradient: HeapArray;
  /** [(T+1) × units]: row 0 the initial state (zeros), row t + 1 the state h_t. */
  protected hs = UNRESERVED;
  /** [T × G]: pre-activations x_t·W + b (+ h_{t−1}·R in the step), then the activated gates. */
  protected zs = UNRESERVED;
  /** [T × G]: gradient w.r.t. each step's pre-activations. */
  protected dzs = UNRESERVED;
  /** [T × inSize]: gradient w.r.t. each step's input. */
  private dxs = UNRESERVED;
  /** [T × units]: gradient w.r.t. each step's output. */
  protected dhs = UNRESERVED;
  private xin = UNRESERVED; // [T × inSize]: the input copied into the heap when it lives elsewhere
  private x = UNRESERVED; // the input of the last forward: xin or the previous layer's output
  private ones = UNRESERVED; // [T] ones: 1ᵀ·dz sums the bias gradient over the steps
  private dhBuf: FloatArray = new Float64Array(0);
  /** Gradient w.r.t. h_{t−1}, written by backStep(t) (and read by the step before). */
  protected dhPrev = UNRESERVED;
  constructor(
    readonly inSize: number,
    readonly units: number,
    readonly returnSequences: boolean,
    protected readonly G: number,
    protected readonly mem: LayerMemory,
  ) {
    this.K = mem.kernels;
    this.products = new Products(mem.kernels);
    const [W, R, b] = [
      param('kernel', inSize * G, true, mem.alloc),
      param('recurrent_kernel', units * G, true, mem.alloc),
      param('bias', G, false, mem.alloc),
    ];
    this.params = [W, R, b];
    this.kernel = MatrixBlock.of(new HeapArray(W.value), inSize, G);
    this.recurrent = MatrixBlock.of(new HeapArray(R.value), units, G);
    this.kernelGradient = MatrixBlock.of(new HeapArray(W.grad), inSize, G);
    this.recurrentGradient = MatrixBlock.of(new HeapArray(R.grad), units, G);
    this.bias = new HeapArray(b.value);
    this.biasGradient = new HeapArray(b.grad);
  }
  get outSize(): number {
    return this.units;
  }
  outSteps(T: number): number {
    return this.returnSequences ? T : 1;
  }
  reserve(T: number): void {
    if (this.hs.values.length < (T + 1) * this.units) {
      const alloc = this.mem.alloc;
      this.hs = heapArray(alloc, (T + 1) * this.units);
      this.zs = heapArray(alloc, T * this.G);
      this.dzs = heapArray(alloc, T * this.G);
      this.dxs = heapArray(alloc, T * this.inSize);
      this.xin = heapArray(alloc, T * this.inSize);
      this.dhs = heapArray(alloc, T * this.units);
      this.ones = new HeapArray(alloc(T).fill(1));
      this.dhBuf = alloc(this.units);
      this.dhPrev = heapArray(alloc, this.units);
      this.reserveInternals(T);
    }
  }
  protected abstract reserveInternals(T: number): void;
  /**
   * The recurrence over steps t = 0 … T−1 of `input` (usually: projectInput, then per step
   * zs row t completed with the recurrent part, activated, hs row t + 1 written). One loop in
   * each cell rather than a method called per step, so that the compiler optimizes each
   * step's work together with the loop.
   */
  protected abstract recurrence(input: HeapArray, T: number): void;
  /** zs row t = b + x_t·W for every step: the input part, which does not depend on the state. */
  protected projectInput(input: HeapArray, T: number): void {
    const G = this.G;
    const I = this.inSize;
    const b = this.bias.values;
    const zs = this.zs;
    for (let t = 0; t < T; t++) zs.values.set(b, t * G);
    for (let t = 0; t < T; t++) this.products.addRowTimesMatrix(zs.at(t * G), input.at(t * I), this.kernel);
  }
  /** Backpropagation through time: backStep for t = T−1 … 0. */
  protected backThroughTime(T: number): void {
    for (let t = T - 1; t >= 0; t--) this.backStep(t);
  }
  /** Writes dzs row t from the gradient w.r.t. h_t (see dhAt) and writes dhPrev (w.r.t. h_{t−1}). */
  protected abstract backStep(t: number): void;

  /** The gradient w.r.t. h_t: from the layer's output at t plus from step t + 1 (dhPrev). */
  protected dhAt(t: number): FloatArray {
    const U = this.units;
    const dh = this.dhBuf;
    const dhs = this.dhs.values;
    const dhPrev = this.dhPrev.values;
    for (let u = 0; u < U; u++) dh[u] = dhs[t * U + u] + dhPrev[u];
    return dh;
  }

  forward(x: FloatArray, T: number): FloatArray {
    const I = this.inSize;
    const U = this.units;
    this.x = heapInput(this.mem, x, T * I, this.xin);
    const hs = this.hs.values;
    for (let u = 0; u < U; u++) hs[u] = 0;
    this.resetState();
    this.recurrence(this.x, T);
    return this.returnSequences ? hs.subarray(U, (T + 1) * U) : hs.subarray(T * U, (T + 1) * U);
  }
  protected resetState(): void {}

  backward(dy: FloatArray, T: number): FloatArray {
    const U = this.units;
    const G = this.G;
    const I = this.inSize;
    const dhs = this.dhs.values;
    if (this.returnSequences) for (let k = 0; k < T * U; k++) dhs[k] = dy[k];
    else {
      for (let k = 0; k < (T - 1) * U; k++) dhs[k] = 0;
      for (let u = 0; u < U; u++) dhs[(T - 1) * U + u] = dy[u];
    }
    this.resetBackState();
    const dhPrev = this.dhPrev.values;
    for (let u = 0; u < U; u++) dhPrev[u] = 0;
    this.backThroughTime(T);
    // the weight gradients over the whole sequence: gR (recurrentGradients), gb += Σ_t dz_t,
    // gW += Σ_t x_tᵀ·dz_t; and the input's gradient dx_t = W·dz_t
    this.recurrentGradients(T);
    this.products.addRowTimesMatrix(this.biasGradient.address, this.ones.address, MatrixBlock.of(this.dzs, T, G));
    const into = this.kernelGradient;
    this.products.addWeightGradient({ into, inputs: rows(this.x, I), deltas: rows(this.dzs, G), steps: T });
    if (!this.skipInputGradient) {
      for (let t = 0; t < T; t++) this.products.matrixTimesColumn(this.dxs.at(t * I), this.dzs.at(t * G), this.kernel);
    }
    return this.dxs.values;
  }
  protected resetBackState(): void {}

  /**
   * dst[to…to+n) = act(src[from…from+n)): tanh and sigmoid in the heap's kernels (the
   * engine's largest elementwise cost), the others, and short runs, in JavaScript.
   */
  protected activate(act: Activation, src: HeapArray, from: number, dst: HeapArray, to: number, n: number): void {
    const kind = n >= MIN_KERNEL_ACTIVATIONS ? kernelKind(act) : NO_KERNEL;
    if (kind === NO_KERNEL) act.valueInto(src.values, from, dst.values, to, n);
    else this.K.activate(src.at(from), dst.at(to), n, kind);
  }

  /** After BPTT: gR += Σ_t h_{t−1}ᵀ·dz_t (the recurrent kernel's gradient over the sequence). */
  protected recurrentGradients(T: number): void {
    const into = this.recurrentGradient;
    const U = this.units;
    this.products.addWeightGradient({ into, inputs: rows(this.hs, U), deltas: rows(this.dzs, this.G), steps: T });
  }
}

/** tfjs SimpleRNN: h_t = act(x_t·W + h_{t−1}·R + b). */
export class ElmanLayer extends RecurrentBase {
  private readonly act: Activation;
  constructor(inSize: number, units: number, returnSequences: boolean, act: ActivationName, mem: LayerMemory) {
    super(inSize, units, returnSequences, units, mem);
    this.act = ACTIVATIONS[act];
  }
  protected reserveInternals(): void {}
  protected recurrence(input: HeapArray, T: number): void {
    const U = this.units;
    this.projectInput(input, T);
    for (let t = 0; t < T; t++) {
      this.products.addRowTimesMatrix(this.zs.at(t * U), this.hs.at(t * U), this.recurrent);
      this.activate(this.act, this.zs, t * U, this.hs, (t + 1) * U, U);
    }
  }
  protected backStep(t: number): void {
    const U = this.units;
    const row = t * U;
    const dz = this.dzs.values;
    const dh = this.dhAt(t);
    this.act.slopeInto(this.hs.values, row + U, dz, row, U);
    for (let u = 0; u < U; u++) dz[row + u] *= dh[u];
    // the gradient w.r.t. h_{t−1}: R·dz_t
    this.products.matrixTimesColumn(this.dhPrev.address, this.dzs.at(row), this.recurrent);
  }
}

/**
 * tfjs LSTM (gates i, f, c̃, o): c_t = f·c_{t−1} + i·c̃ with c̃ = act(z_c̃) and the gates
 * rec(z), h_t = o·act(c_t).
 */
export class LSTMLayer extends RecurrentBase {
  private cs = UNRESERVED; // [(T+1) × U]: c_t in row t + 1 (row 0: zeros)
  private acs = UNRESERVED; // [(T+1) × U]: act(c_t)
  private dg: FloatArray = new Float64Array(0); // scratch [G]: the gates' derivatives
  private dac: FloatArray = new Float64Array(0); // scratch [U]: act′(c_t)
  private dc = UNRESERVED; // [U]: gradient w.r.t. c_t, then (after the step) w.r.t. c_{t−1}
  /** Offsets of the gates' blocks in a row of G values. */
  private readonly gate = gateOffsets(LSTM_GATES, this.units);
  /** tfjs's default activations (sigmoid gates, tanh): the whole cell runs in the kernels. */
  private readonly fused: boolean;
  private readonly act: Activation;
  private readonly rec: Activation;
  constructor(
    inSize: number,
    units: number,
    returnSequences: boolean,
    act: ActivationName,
    rec: ActivationName,
    mem: LayerMemory,
  ) {
    super(inSize, units, returnSequences, 4 * units, mem);
    this.act = ACTIVATIONS[act];
    this.rec = ACTIVATIONS[rec];
    this.fused = rec === 'sigmoid' && act === 'tanh';
  }
  protected reserveInternals(T: number): void {
    const alloc = this.mem.alloc;
    this.cs = heapArray(alloc, (T + 1) * this.units);
    this.acs = heapArray(alloc, (T + 1) * this.units);
    this.dg = alloc(4 * this.units);
    this.dac = alloc(this.units);
    this.dc = heapArray(alloc, this.units);
  }
  protected resetState(): void {
    const cs = this.cs.values;
    for (let u = 0; u < this.units; u++) cs[u] = 0;
  }
  protected resetBackState(): void {
    const dc = this.dc.values;
    for (let u = 0; u < this.units; u++) dc[u] = 0;
  }
  protected recurrence(x: HeapArray, T: number): void {
    const U = this.units;
    if (this.fused) {
      // the whole sequence in the kernels: per step bias, x_t·W, h_{t−1}·R and lstmStep
      const [W, R, b] = [this.kernel.address, this.recurrent.address, this.bias.address];
      this.K.lstmForward(
        x.address,
        W,
        R,
        b,
        this.zs.address,
        this.hs.address,
        this.cs.address,
        this.acs.address,
        T,
        this.inSize,
        U,
      );
      return;
    }
    this.projectInput(x, T);
    const { input, forget, candidate, output } = this.gate;
    const zs = this.zs;
    const g = zs.values;
    const cs = this.cs.values;
    const acs = this.acs.values;
    const hs = this.hs.values;
    for (let t = 0; t < T; t++) {
      const row = t * this.G; // step t's gates in zs
      const prev = t * U; // h_{t−1}, c_{t−1} in hs, cs
      const next = prev + U; // h_t, c_t
      this.products.addRowTimesMatrix(zs.at(row), this.hs.at(prev), this.recurrent);
      const i = row + input;
      const f = row + forget;
      const c = row + candidate;
      const o = row + output;
      this.activate(this.rec, zs, i, zs, i, 2 * U); // i and f: adjacent blocks, one call
      this.activate(this.act, zs, c, zs, c, U);
      this.activate(this.rec, zs, o, zs, o, U);
      for (let u = 0; u < U; u++) cs[next + u] = g[f + u] * cs[prev + u] + g[i + u] * g[c + u];
      this.activate(this.act, this.cs, next, this.acs, next, U);
      for (let u = 0; u < U; u++) hs[next + u] = g[o + u] * acs[next + u];
    }
  }
  protected backThroughTime(T: number): void {
    if (!this.fused) {
      super.backThroughTime(T);
      return;
    }
    // the whole sequence in the kernels: per step lstmBack, then dhPrev = R·dz_t
    const [zs, cs, acs, dhs, dzs] = [this.zs, this.cs, this.acs, this.dhs, this.dzs].map((a) => a.address);
    const [dhPrev, dc, R] = [this.dhPrev.address, this.dc.address, this.recurrent.address];
    this.K.lstmBackward(zs, cs, acs, dhs, dhPrev, dc, dzs, R, T, this.units);
  }
  protected backStep(t: number): void {
    const U = this.units;
    const row = t * this.G;
    const prev = t * U;
    const next = prev + U;
    const { input, forget, candidate, output } = this.gate;
    const i = row + input;
    const f = row + forget;
    const c = row + candidate;
    const o = row + output;
    const dh = this.dhAt(t);
    const g = this.zs.values;
    const cs = this.cs.values;
    const acs = this.acs.values;
    const dg = this.dg;
    const dac = this.dac;
    const dz = this.dzs.values;
    const dc = this.dc.values;
    this.rec.slopeInto(g, i, dg, input, 2 * U); // i and f
    this.act.slopeInto(g, c, dg, candidate, U);
    this.rec.slopeInto(g, o, dg, output, U);
    this.act.slopeInto(acs, next, dac, 0, U);
    for (let u = 0; u < U; u++) {
      const ac = acs[next + u];
      const ig = g[i + u];
      const fg = g[f + u];
      const cg = g[c + u];
      const og = g[o + u];
      const dcTot = dc[u] + dh[u] * og * dac[u];
      dz[o + u] = dh[u] * ac * dg[output + u];
      dz[i + u] = dcTot * cg * dg[input + u];
      dz[f + u] = dcTot * cs[prev + u] * dg[forget + u];
      dz[c + u] = dcTot * ig * dg[candidate + u];
      dc[u] = dcTot * fg;
    }
    this.products.matrixTimesColumn(this.dhPrev.address, this.dzs.at(row), this.recurrent);
  }
}

/**
 * tfjs GRU (reset before the product, gates z, r, h̃):
 * z = rec(x·Wz + h·Rz + bz), r = rec(x·Wr + h·Rr + br), h̃ = act(x·Wh + (r∘h)·Rh + bh),
 * h_t = z∘h_{t−1} + (1 − z)∘h̃.
 */
export class GRULayer extends RecurrentBase {
  private rhs = UNRESERVED; // [T × U]: r_t ∘ h_{t−1}
  private drh = UNRESERVED; // [U]: gradient w.r.t. r_t ∘ h_{t−1}
  private dg: FloatArray = new Float64Array(0); // scratch [G]: the gates' derivatives
  /** Offsets of the gates' blocks in a row of G values. */
  private readonly gate = gateOffsets(GRU_GATES, this.units);
  /** Rz and Rr (adjacent blocks of R: the state's part of z and r), and Rh (of h̃, applied to r∘h). */
  private readonly recurrentUpdateReset = this.recurrent.columns(this.gate.update, 2 * this.units);
  private readonly recurrentCandidate = this.recurrent.columns(this.gate.candidate, this.units);
  private readonly updateResetGradient = this.recurrentGradient.columns(this.gate.update, 2 * this.units);
  private readonly candidateGradient = this.recurrentGradient.columns(this.gate.candidate, this.units);
  private readonly act: Activation;
  private readonly rec: Activation;
  constructor(
    inSize: number,
    units: number,
    returnSequences: boolean,
    act: ActivationName,
    rec: ActivationName,
    mem: LayerMemory,
  ) {
    super(inSize, units, returnSequences, 3 * units, mem);
    this.act = ACTIVATIONS[act];
    this.rec = ACTIVATIONS[rec];
  }
  protected reserveInternals(T: number): void {
    const alloc = this.mem.alloc;
    this.rhs = heapArray(alloc, T * this.units);
    this.drh = heapArray(alloc, this.units);
    this.dg = alloc(3 * this.units);
  }
  protected recurrence(input: HeapArray, T: number): void {
    const U = this.units;
    this.projectInput(input, T);
    const { update, reset, candidate } = this.gate;
    const zs = this.zs;
    const g = zs.values;
    const hs = this.hs.values;
    const rhs = this.rhs.values;
    for (let t = 0; t < T; t++) {
      const row = t * this.G; // step t's gates in zs
      const prev = t * U; // h_{t−1} in hs; r_t ∘ h_{t−1} in rhs
      const next = prev + U; // h_t in hs
      const z = row + update;
      const r = row + reset;
      const h = row + candidate;
      // z and r: h_{t−1}·[Rz Rr] added, activated
      this.products.addRowTimesMatrix(zs.at(z), this.hs.at(prev), this.recurrentUpdateReset);
      this.activate(this.rec, zs, z, zs, z, 2 * U);
      // h̃: (r ∘ h_{t−1})·Rh added, activated
      for (let k = 0; k < U; k++) rhs[prev + k] = g[r + k] * hs[prev + k];
      this.products.addRowTimesMatrix(zs.at(h), this.rhs.at(prev), this.recurrentCandidate);
      this.activate(this.act, zs, h, zs, h, U);
      for (let u = 0; u < U; u++) {
        const zu = g[z + u];
        hs[next + u] = zu * hs[prev + u] + (1 - zu) * g[h + u];
      }
    }
  }
  protected backStep(t: number): void {
    const U = this.units;
    const { update, reset, candidate } = this.gate;
    const row = t * this.G;
    const prev = t * U;
    const z = row + update;
    const r = row + reset;
    const h = row + candidate;
    const dh = this.dhAt(t);
    const dhPrev = this.dhPrev.values;
    const g = this.zs.values;
    const hs = this.hs.values;
    const dg = this.dg;
    const dz = this.dzs.values;
    const drh = this.drh.values;
    this.rec.slopeInto(g, z, dg, update, 2 * U); // z and r
    this.act.slopeInto(g, h, dg, candidate, U);
    // candidate h̃ and update gate z
    for (let u = 0; u < U; u++) {
      const zu = g[z + u];
      const hh = g[h + u];
      dz[h + u] = dh[u] * (1 - zu) * dg[candidate + u];
      dz[z + u] = dh[u] * (hs[prev + u] - hh) * dg[update + u];
      dhPrev[u] = dh[u] * zu;
    }
    // through (r∘h)·Rh: d(r∘h) = Rh·dh̃ (its weight gradient after the sequence, recurrentGradients)
    this.products.matrixTimesColumn(this.drh.address, this.dzs.at(h), this.recurrentCandidate);
    for (let k = 0; k < U; k++) {
      const rk = g[r + k];
      dhPrev[k] += drh[k] * rk;
      dz[r + k] = drh[k] * hs[prev + k] * dg[reset + k];
    }
    // through h·Rz and h·Rr
    this.products.addMatrixTimesColumn(this.dhPrev.address, this.dzs.at(z), this.recurrentUpdateReset);
  }

  /** gRz, gRr += Σ_t h_{t−1}ᵀ·[dz_t dr_t]; gRh += Σ_t (r_t∘h_{t−1})ᵀ·dh̃_t. */
  protected recurrentGradients(T: number): void {
    const U = this.units;
    const G = this.G;
    this.products.addWeightGradient({
      into: this.updateResetGradient,
      inputs: rows(this.hs, U),
      deltas: rows(this.dzs, G, this.gate.update),
      steps: T,
    });
    this.products.addWeightGradient({
      into: this.candidateGradient,
      inputs: rows(this.rhs, U),
      deltas: rows(this.dzs, G, this.gate.candidate),
      steps: T,
    });
  }
}
