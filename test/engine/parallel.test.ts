import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, initBackend, train } from '../../src';
import { FusedNetwork } from '../../src/train/fast';
import { BatchSplitter, threadsFor } from '../../src/engine/parallel';
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

  // float32 (the default): the parts' gradients are rounded to float32 before they are combined
  it('gives the same training history as one thread (to float32 rounding), with validation and L2', {
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
      expect(relError(two.h.history[k], one.h.history[k], 1e-12)).toBeLessThan(1e-6);
    expect(relError(two.w, one.w)).toBeLessThan(1e-5);
  });

  it('a float64 network gets float64 workers: the split batch equals one thread to float64 rounding', async () => {
    const model = buildModel('lstm', { steps: 30, features: 5, units: [8], seed: 3 });
    const data = smallData(64, 30, 5, 4);
    const batch = { x: data.x.data, y: data.y.data, n: 64 };
    const net = new FusedNetwork(model, 'float64');
    const splitter = new BatchSplitter(net, 1);
    try {
      const split = await splitter.batchLoss(batch, { loss: 'mse', gradients: true });
      const grads = net.flatten('grad');
      const whole = net.batchLoss(batch, { loss: 'mse', gradients: true });
      expect(Math.abs(split - whole) / whole).toBeLessThan(1e-13);
      expect(relError(grads, net.flatten('grad'))).toBeLessThan(1e-12); // float32 workers: ~1e-7
    } finally {
      await splitter.close();
      net.dispose();
      model.dispose();
    }
  });
});
