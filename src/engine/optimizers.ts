/**
 * Optimizer steps with exactly tfjs's update formulas (tfjs-core 4.22 AdamOptimizer,
 * AdadeltaOptimizer, MomentumOptimizer, RMSPropOptimizer; epsilon defaults to the
 * backend epsilon 1e-7), plus decoupled weight decay applied after the step.
 */
import type { OptimizerName } from '../core/types';
import type { Param } from './layers';

export interface OptimizerSettings {
  name: OptimizerName;
  learningRate: number;
  momentum?: number;
  /** Decoupled weight decay (AdamW-style): w ← w − lr·wd·w after the step, on kernels. */
  weightDecay?: number;
}

/** tfjs default learning rates (tf.train.*). */
export const DEFAULT_LEARNING_RATES: Record<OptimizerName, number> = {
  adam: 0.001,
  adadelta: 0.001,
  sgd: 0.01,
  rmsprop: 0.001,
};

const EPS = 1e-7;

export class FusedOptimizer {
  private s1: Float64Array[];
  private s2: Float64Array[];
  private accBeta1 = 0.9;
  private accBeta2 = 0.999;
  constructor(
    private readonly params: Param[],
    readonly settings: OptimizerSettings,
  ) {
    this.s1 = params.map((p) => new Float64Array(p.value.length));
    this.s2 = params.map((p) => new Float64Array(p.value.length));
  }

  /** Applies one update from the gradients stored in the params. */
  step(): void {
    const { name, learningRate: lr } = this.settings;
    const wd = this.settings.weightDecay ?? 0;
    this.params.forEach((p, k) => {
      const w = p.value;
      const g = p.grad;
      const a = this.s1[k];
      const b = this.s2[k];
      const n = w.length;
      switch (name) {
        case 'adam': {
          const b1 = 0.9;
          const b2 = 0.999;
          // lr·(m / c1) / (√(v / c2) + ε), the bias corrections c1 and c2 taken out of the
          // loop (one division a value instead of three: the same numbers up to float64 rounding)
          const step = lr / (1 - this.accBeta1);
          const scale = 1 / (1 - this.accBeta2);
          for (let i = 0; i < n; i++) {
            a[i] = b1 * a[i] + (1 - b1) * g[i];
            b[i] = b2 * b[i] + (1 - b2) * g[i] * g[i];
            w[i] -= (step * a[i]) / (Math.sqrt(b[i] * scale) + EPS);
          }
          break;
        }
        case 'adadelta': {
          const rho = 0.95;
          // As tfjs 4.22: the denominator uses the accumulator from BEFORE this step
          // (Keras uses the updated one); the accumulator is updated afterwards.
          for (let i = 0; i < n; i++) {
            const upd = (Math.sqrt(b[i] + EPS) / Math.sqrt(a[i] + EPS)) * g[i];
            a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
            b[i] = rho * b[i] + (1 - rho) * upd * upd;
            w[i] -= lr * upd;
          }
          break;
        }
        case 'sgd': {
          const m = this.settings.momentum ?? 0;
          if (m === 0) for (let i = 0; i < n; i++) w[i] -= lr * g[i];
          else
            for (let i = 0; i < n; i++) {
              a[i] = m * a[i] + g[i];
              w[i] -= lr * a[i];
            }
          break;
        }
        case 'rmsprop': {
          const rho = 0.9;
          const m = this.settings.momentum ?? 0;
          for (let i = 0; i < n; i++) {
            a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
            b[i] = m * b[i] + (lr * g[i]) / Math.sqrt(a[i] + EPS);
            w[i] -= b[i];
          }
          break;
        }
      }
      if (wd > 0 && p.isKernel) for (let i = 0; i < n; i++) w[i] -= lr * wd * w[i];
    });
    if (name === 'adam') {
      this.accBeta1 *= 0.9;
      this.accBeta2 *= 0.999;
    }
  }
}
