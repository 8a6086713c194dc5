import { type Activation, ACTIVATIONS, type ActivationName, type FloatArray } from '../core/activations';
import type { FusedLayer, Param } from './layers';

function param(name: string, size: number, isKernel: boolean): Param {
  return { name, value: new Float64Array(size), grad: new Float64Array(size), isKernel };
}

/**
 * The Jordan cell (src/models/jordan.ts) fused: hidden stack fed by the input and the
 * previous output y(t−1); y(t) = outAct(h_L(t)·V + c) is both the output and the state.
 * Plain JavaScript loops in float64 whatever the engine's precision (the cell uses no
 * kernels; its sizes in the courses are a handful of units).
 */
export class JordanLayer implements FusedLayer {
  readonly params: Param[];
  readonly outSize: number;
  private kernels: Param[] = [];
  private biases: Param[] = [];
  private rk: Param;
  private ok: Param;
  private ob: Param;
  private hs: Float64Array[] = []; // per hidden layer: [T × u_l]
  private ys = new Float64Array(0); // [(T+1) × O], row 0 = zeros
  private dxs = new Float64Array(0);
  private dhs: Float64Array[] = [];
  private das: Float64Array[] = [];
  private dyTot = new Float64Array(0);
  private dyPrev = new Float64Array(0);
  private dout = new Float64Array(0);
  private x: FloatArray = new Float64Array(0);
  private readonly act: Activation;
  private readonly outAct: Activation;

  constructor(
    readonly inSize: number,
    private readonly units: number[],
    outputs: number,
    private readonly returnSequences: boolean,
    act: ActivationName,
    outAct: ActivationName,
  ) {
    this.act = ACTIVATIONS[act];
    this.outAct = ACTIVATIONS[outAct];
    this.outSize = outputs;
    const params: Param[] = [];
    let prev = inSize;
    this.rk = param('recurrent_kernel', outputs * units[0], true);
    units.forEach((u, l) => {
      const k = param(`kernel_${l}`, prev * u, true);
      const b = param(`bias_${l}`, u, false);
      this.kernels.push(k);
      this.biases.push(b);
      params.push(k);
      if (l === 0) params.push(this.rk);
      params.push(b);
      prev = u;
    });
    this.ok = param('output_kernel', prev * outputs, true);
    this.ob = param('output_bias', outputs, false);
    params.push(this.ok, this.ob);
    this.params = params;
  }

  outSteps(T: number): number {
    return this.returnSequences ? T : 1;
  }

  reserve(T: number): void {
    if (this.ys.length >= (T + 1) * this.outSize) return;
    this.hs = this.units.map((u) => new Float64Array(T * u));
    this.dhs = this.units.map((u) => new Float64Array(u));
    this.das = this.units.map((u) => new Float64Array(u));
    this.ys = new Float64Array((T + 1) * this.outSize);
    this.dxs = new Float64Array(T * this.inSize);
    this.dyTot = new Float64Array(this.outSize);
    this.dyPrev = new Float64Array(this.outSize);
    this.dout = new Float64Array(this.outSize);
  }

  forward(x: FloatArray, T: number): FloatArray {
    this.x = x;
    const O = this.outSize;
    for (let o = 0; o < O; o++) this.ys[o] = 0;
    for (let t = 0; t < T; t++) {
      let input = x;
      let inOff = t * this.inSize;
      let inSize = this.inSize;
      for (let l = 0; l < this.units.length; l++) {
        const U = this.units[l];
        const K = this.kernels[l].value;
        const b = this.biases[l].value;
        const h = this.hs[l];
        for (let u = 0; u < U; u++) {
          let s = b[u];
          for (let i = 0; i < inSize; i++) s += input[inOff + i] * K[i * U + u];
          if (l === 0) for (let o = 0; o < O; o++) s += this.ys[t * O + o] * this.rk.value[o * U + u];
          h[t * U + u] = this.act.value(s);
        }
        input = h;
        inOff = t * U;
        inSize = U;
      }
      for (let o = 0; o < O; o++) {
        let s = this.ob.value[o];
        for (let i = 0; i < inSize; i++) s += input[inOff + i] * this.ok.value[i * O + o];
        this.ys[(t + 1) * O + o] = this.outAct.value(s);
      }
    }
    return this.returnSequences ? this.ys.subarray(O, (T + 1) * O) : this.ys.subarray(T * O, (T + 1) * O);
  }

  backward(dy: FloatArray, T: number): FloatArray {
    const O = this.outSize;
    const L = this.units.length;
    for (let k = 0; k < T * this.inSize; k++) this.dxs[k] = 0;
    for (let o = 0; o < O; o++) this.dyPrev[o] = 0;
    for (let t = T - 1; t >= 0; t--) {
      for (let o = 0; o < O; o++) {
        const fromAbove = this.returnSequences ? dy[t * O + o] : t === T - 1 ? dy[o] : 0;
        this.dyTot[o] = fromAbove + this.dyPrev[o];
        this.dout[o] = this.dyTot[o] * this.outAct.slope(this.ys[(t + 1) * O + o]);
        this.ob.grad[o] += this.dout[o];
      }
      // output layer
      const UL = this.units[L - 1];
      const hL = this.hs[L - 1];
      for (let i = 0; i < UL; i++) {
        let s = 0;
        for (let o = 0; o < O; o++) {
          this.ok.grad[i * O + o] += hL[t * UL + i] * this.dout[o];
          s += this.ok.value[i * O + o] * this.dout[o];
        }
        this.dhs[L - 1][i] = s;
      }
      for (let l = L - 1; l >= 0; l--) {
        const U = this.units[l];
        const h = this.hs[l];
        const da = this.das[l];
        for (let u = 0; u < U; u++) {
          da[u] = this.dhs[l][u] * this.act.slope(h[t * U + u]);
          this.biases[l].grad[u] += da[u];
        }
        const K = this.kernels[l];
        const inSize = l === 0 ? this.inSize : this.units[l - 1];
        const input = l === 0 ? this.x : this.hs[l - 1];
        const inOff = t * inSize;
        for (let i = 0; i < inSize; i++) {
          const xi = input[inOff + i];
          let s = 0;
          for (let u = 0; u < U; u++) {
            K.grad[i * U + u] += xi * da[u];
            s += K.value[i * U + u] * da[u];
          }
          if (l === 0) this.dxs[inOff + i] = s;
          else this.dhs[l - 1][i] = s;
        }
        if (l === 0) {
          for (let o = 0; o < O; o++) {
            const yp = this.ys[t * O + o];
            let s = 0;
            for (let u = 0; u < U; u++) {
              this.rk.grad[o * U + u] += yp * da[u];
              s += this.rk.value[o * U + u] * da[u];
            }
            this.dyPrev[o] = s;
          }
        }
      }
    }
    return this.dxs;
  }
}
