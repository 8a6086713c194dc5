import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, initBackend, train } from '../../src';
import { FusedNetwork } from '../../src/train/fast';
import { threadsFor } from '../../src/engine/parallel';
import { relError, smallData } from '../support/models';

beforeAll(async () => {
  await initBackend('cpu');
});
afterEach(() => {
  delete process.env.RNN_ENGINE_THREADS;
});

describe('batches split across worker threads', () => {
  it('uses one thread for small work and several for large batches', () => {
    const tiny = new FusedNetwork(buildModel('elman', { steps: 20, features: 1, units: [5, 5] }));
    expect(threadsFor(tiny, 1)).toBe(1);
    process.env.RNN_ENGINE_THREADS = '2';
    const big = new FusedNetwork(buildModel('lstm', { steps: 30, features: 5, units: [8] }));
    expect(threadsFor(big, 160)).toBe(2);
    process.env.RNN_ENGINE_THREADS = '1';
    expect(threadsFor(big, 160)).toBe(1);
  });

  it('gives the same training history as one thread (to rounding), with validation and L2', {
    timeout: 60_000,
  }, async () => {
    const data = smallData(320, 30, 5, 4);
    const val = smallData(100, 30, 5, 9);
    const run = async (threads: string) => {
      process.env.RNN_ENGINE_THREADS = threads;
      const m = buildModel('lstm', { steps: 30, features: 5, units: [8], seed: 3 });
      const h = await train(m, data, {
        epochs: 2,
        batchSize: 160,
        engine: 'fast',
        progress: 'none',
        validationData: val,
        metrics: ['mae'],
        l2: 1e-3,
        seed: 1,
      });
      return { h, w: m.getWeights().flatMap((t) => Array.from(t.dataSync())) };
    };
    const one = await run('1');
    const two = await run('2');
    for (const k of ['loss', 'val_loss', 'mae', 'val_mae'])
      expect(relError(two.h.history[k], one.h.history[k], 1e-12)).toBeLessThan(1e-9);
    expect(relError(two.w, one.w)).toBeLessThan(1e-6);
  });
});
