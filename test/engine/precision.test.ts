import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesPerValue, DEFAULT_ENGINE_PRECISION, parseEnginePrecision } from '../../src/engine/precision';

const dist = path.resolve(__dirname, '..', '..', 'dist');

/** train() on a small GRU in a fresh Node with RNN_ENGINE_PRECISION=value: its output. */
function trainWith(value: string | undefined) {
  const script = `
    const L = require(${JSON.stringify(dist)});
    (async () => {
      await L.initBackend('cpu');
      const n = 40, x = Float64Array.from({ length: n * 6 }, (_, i) => Math.sin(i * 0.7));
      const data = { x: { data: x, shape: [n, 6, 1] }, y: { data: x.slice(0, n), shape: [n, 1] } };
      const m = L.buildModel('gru', { steps: 6, features: 1, units: [4], seed: 2 });
      const h = await L.train(m, data, { epochs: 2, batchSize: 4, engine: 'fast', progress: 'none' });
      console.log(JSON.stringify({ precision: h.precision, loss: h.history.loss }));
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
  const env = { ...process.env };
  delete env.RNN_ENGINE_PRECISION;
  if (value !== undefined) env.RNN_ENGINE_PRECISION = value;
  return spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
}

describe('RNN_ENGINE_PRECISION', () => {
  it('accepts float32 and float64, and defaults when unset or empty', () => {
    expect(parseEnginePrecision('float32')).toBe('float32');
    expect(parseEnginePrecision(' Float64 ')).toBe('float64');
    expect(parseEnginePrecision(undefined)).toBe(DEFAULT_ENGINE_PRECISION);
    expect(parseEnginePrecision('')).toBe(DEFAULT_ENGINE_PRECISION);
  });

  it('rejects another word, naming the value and the allowed words', () => {
    expect(() => parseEnginePrecision('f16')).toThrow(/RNN_ENGINE_PRECISION="f16".*"float32", "float64"/);
  });

  it('gives the bytes of one value', () => {
    expect(bytesPerValue('float32')).toBe(4);
    expect(bytesPerValue('float64')).toBe(8);
  });

  it('chooses the arithmetic of train(): float32 unless set, float64 when asked, an error for a typo', {
    timeout: 60_000,
  }, () => {
    const runs = [undefined, 'float64', 'float32'].map((v) => trainWith(v));
    runs.forEach((r) => expect(r.status, r.stderr).toBe(0));
    const [unset, f64, f32] = runs.map((r) => JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}'));
    expect([unset.precision, f64.precision, f32.precision]).toEqual(['float32', 'float64', 'float32']);
    expect(unset.loss).toEqual(f32.loss);
    // the same training in both precisions: equal to float32 rounding, not bit for bit
    expect(f64.loss).not.toEqual(f32.loss);
    f64.loss.forEach((v: number, i: number) => expect(Math.abs(v - f32.loss[i]) / v).toBeLessThan(1e-4));
    const typo = trainWith('double');
    expect(typo.status).toBe(1);
    expect(typo.stderr).toMatch(/RNN_ENGINE_PRECISION="double" is not a precision of the engine/);
  });
});
