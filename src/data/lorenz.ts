import { seededRandom } from '../runtime/random';

/** Options of {@link lorenzSeries}. */
export interface LorenzOptions {
  /** Integration step (default 0.02). */
  dt?: number;
  /** Uniform noise amplitude added to each sample: x + noise·U(−1, 1) (default 0). */
  noise?: number;
  /** Seed of the noise (default 0). */
  seed?: number;
  /** Steps integrated and dropped first so the series starts on the attractor (default 500). */
  transient?: number;
  /** Initial state (default [1, 1, 1]). */
  start?: [number, number, number];
  /** Classic parameters σ, ρ, β (default 10, 28, 8/3). */
  sigma?: number;
  rho?: number;
  beta?: number;
}

/**
 * The x coordinate of the Lorenz system (σ = 10, ρ = 28, β = 8/3 by default) integrated
 * with fourth-order Runge–Kutta: the chaotic series of course document 002 (the course's
 * Keras notebook generates it the same way). `n` samples after a discarded transient.
 */
export function lorenzSeries(n: number, options: LorenzOptions = {}): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`lorenzSeries: n must be a positive integer (got ${n}).`);
  const dt = options.dt ?? 0.02;
  if (!(dt > 0) || !Number.isFinite(dt)) throw new Error(`lorenzSeries: dt must be a positive number (got ${dt}).`);
  const noise = options.noise ?? 0;
  const transient = options.transient ?? 500;
  const sigma = options.sigma ?? 10;
  const rho = options.rho ?? 28;
  const beta = options.beta ?? 8 / 3;
  const rand = seededRandom(options.seed ?? 0);
  const [x0, y0, z0] = options.start ?? [1, 1, 1];
  let x = x0;
  let y = y0;
  let z = z0;
  const out = new Float64Array(n);
  for (let i = 0; i < n + transient; i++) {
    const k1x = sigma * (y - x),
      k1y = x * (rho - z) - y,
      k1z = x * y - beta * z;
    let ax = x + (dt / 2) * k1x,
      ay = y + (dt / 2) * k1y,
      az = z + (dt / 2) * k1z;
    const k2x = sigma * (ay - ax),
      k2y = ax * (rho - az) - ay,
      k2z = ax * ay - beta * az;
    ax = x + (dt / 2) * k2x;
    ay = y + (dt / 2) * k2y;
    az = z + (dt / 2) * k2z;
    const k3x = sigma * (ay - ax),
      k3y = ax * (rho - az) - ay,
      k3z = ax * ay - beta * az;
    ax = x + dt * k3x;
    ay = y + dt * k3y;
    az = z + dt * k3z;
    const k4x = sigma * (ay - ax),
      k4y = ax * (rho - az) - ay,
      k4z = ax * ay - beta * az;
    x += (dt / 6) * (k1x + 2 * k2x + 2 * k3x + k4x);
    y += (dt / 6) * (k1y + 2 * k2y + 2 * k3y + k4y);
    z += (dt / 6) * (k1z + 2 * k2z + 2 * k3z + k4z);
    if (!Number.isFinite(x))
      throw new Error(`lorenzSeries: the integration diverged at step ${i}; use a smaller dt (got ${dt}).`);
    if (i >= transient) out[i - transient] = noise > 0 ? x + noise * (rand() * 2 - 1) : x;
  }
  return out;
}
