import { describe, expect, it } from 'vitest';
import { lorenzSeries } from '../../src';

describe('lorenzSeries', () => {
  it('matches an independent NumPy RK4 integration (dt 0.01 from [1, 1, 1], no transient)', () => {
    // reference: numpy, s ← s + dt/6 (k1 + 2k2 + 2k3 + k4), σ 10, ρ 28, β 8/3
    const x = lorenzSeries(1000, { dt: 0.01, transient: 0 });
    expect(x[0]).toBeCloseTo(1.0125671910736112, 12);
    expect(x[1]).toBeCloseTo(1.0488237097089568, 12);
    expect(x[9]).toBeCloseTo(2.133106543293639, 12);
    expect(x[99]).toBeCloseTo(-9.378615807236296, 10);
    expect(x[999]).toBeCloseTo(-4.902819483748822, 6); // chaos amplifies rounding over 1000 steps
  });

  it('drops the transient, stays on the attractor and switches lobes', () => {
    const full = lorenzSeries(1500, { transient: 0 });
    const cut = lorenzSeries(1000, { transient: 500 });
    expect(Array.from(cut)).toEqual(Array.from(full.subarray(500)));
    expect(Math.max(...cut)).toBeLessThan(21);
    expect(Math.min(...cut)).toBeGreaterThan(-21);
    expect(cut.some((v) => v > 5) && cut.some((v) => v < -5)).toBe(true);
  });

  it('adds seeded uniform noise of the given amplitude', () => {
    const clean = lorenzSeries(300, { dt: 0.02 });
    const a = lorenzSeries(300, { dt: 0.02, noise: 0.05, seed: 3 });
    const b = lorenzSeries(300, { dt: 0.02, noise: 0.05, seed: 3 });
    expect(Array.from(a)).toEqual(Array.from(b));
    const diffs = Array.from(a, (v, i) => v - clean[i]);
    expect(Math.max(...diffs.map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(Math.max(...diffs.map(Math.abs))).toBeGreaterThan(0.04);
  });

  it('rejects bad sizes and steps with a clear message', () => {
    expect(() => lorenzSeries(0)).toThrow(/positive integer/);
    expect(() => lorenzSeries(10, { dt: -1 })).toThrow(/dt must be a positive/);
    expect(() => lorenzSeries(10, { dt: 1 })).toThrow(/diverged.*smaller dt/);
  });
});
