import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildModel, initBackend, kernelNorm, lagWindows, predictWindows, sliceWindows, tf, train } from '../../src';
import type { ModelKind, TrainOptions } from '../../src';
import { sineWindows } from '../support/models';

beforeAll(async () => {
  await initBackend('cpu');
});
afterEach(() => vi.restoreAllMocks());

const { sine, trainSet, valSet } = sineWindows();
const quiet: Partial<TrainOptions> = { progress: 'none' };

describe.each<['fast' | 'tfjs']>([['fast'], ['tfjs']])('train() with the %s engine', (engine) => {
  it.each<ModelKind>(['elman', 'jordan', 'lstm', 'gru'])('%s lowers the loss on a learnable series', async (kind) => {
    const m = buildModel(kind, { steps: 6, features: 1, units: [4], seed: 1 });
    const h = await train(m, trainSet, {
      ...quiet,
      engine,
      epochs: engine === 'fast' ? 15 : 4,
      batchSize: 8,
      learningRate: 0.02,
      validationData: valSet,
      metrics: ['mae'],
    });
    expect(h.engine).toBe(engine);
    expect(h.history.loss[h.history.loss.length - 1]).toBeLessThan(h.history.loss[0]);
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    expect(h.secondsPerEpoch).toHaveLength(engine === 'fast' ? 15 : 4);
    m.dispose();
  });

  it('is deterministic: same seeds, same history', async () => {
    const run = async () =>
      (
        await train(buildModel('gru', { steps: 6, features: 1, units: [3], seed: 8 }), trainSet, {
          ...quiet,
          engine,
          epochs: 2,
          batchSize: 4,
          seed: 5,
        })
      ).history.loss;
    expect(await run()).toEqual(await run());
  });

  it('stops on a diverging loss naming the epoch and a fix', async () => {
    // Plain gradient descent on a linear model with a far too large step diverges geometrically.
    const m = buildModel('dense', { steps: 6, features: 1, units: [4], activation: 'linear', seed: 1 });
    const options = { ...quiet, engine, epochs: 50, batchSize: 10, optimizer: 'sgd' as const, learningRate: 100 };
    const err = (await train(m, trainSet, options).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/loss became (NaN|Infinity) at epoch \d+, batch \d+\. /);
    expect(err.message).toContain('. The model keeps the weights it had before this train() call. Lower the learning');
  });

  it('L2 and decoupled weight decay both shrink the kernels', async () => {
    const norm = async (extra: Partial<TrainOptions>) => {
      const m = buildModel('lstm', { steps: 6, features: 1, units: [4], seed: 3 });
      await train(m, trainSet, { ...quiet, engine, epochs: 3, batchSize: 10, learningRate: 0.01, ...extra });
      return kernelNorm(m);
    };
    const none = await norm({});
    expect(await norm({ l2: 0.05 })).toBeLessThan(none);
    expect(await norm({ weightDecay: 5 })).toBeLessThan(none);
  });
});

describe('many-to-many (returnSequences)', () => {
  it.each<['fast' | 'tfjs']>([['fast'], ['tfjs']])(
    "trains documento 004's LSTM returning sequences end to end (%s)",
    async (engine) => {
      const seq = lagWindows(sine, 3, { layout: 'features', sequenceTargets: true });
      const m = buildModel('lstm', { steps: 1, features: 3, units: [4], returnSequences: true, seed: 2 });
      expect(m.outputs[0].shape).toEqual([null, 1, 1]);
      const h = await train(m, seq, {
        ...quiet,
        engine,
        epochs: engine === 'fast' ? 10 : 3,
        batchSize: 10,
        learningRate: 0.02,
      });
      expect(h.history.loss[h.history.loss.length - 1]).toBeLessThan(h.history.loss[0]);
      expect(predictWindows(m, seq)).toHaveLength(seq.x.shape[0]);
    },
  );
});

describe('engine choice', () => {
  it('falls back to tfjs once, saying why, for what the engine cannot train', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const m = buildModel('elman', { steps: 6, features: 1, units: [3], dropout: 0.2, seed: 1, name: 'con_dropout' });
    const h = await train(m, sliceWindows(trainSet, 0, 20), { ...quiet, epochs: 1, batchSize: 10 });
    expect(h.engine).toBe('tfjs');
    expect(h.fallbackReason).toMatch(/dropout/);
    expect(log.mock.calls.flat().join('\n')).toMatch(/motor tfjs para con_dropout: .*dropout/);
    await expect(train(m, trainSet, { ...quiet, epochs: 1, batchSize: 10, engine: 'fast' })).rejects.toThrow(
      /engine "fast" cannot train con_dropout/,
    );
  });
  it('rejects bad options', async () => {
    const m = buildModel('elman', { steps: 6, features: 1, units: [3] });
    await expect(train(m, trainSet, { epochs: 0, batchSize: 1 })).rejects.toThrow(
      /epochs: 0 must be a positive integer/,
    );
    await expect(train(m, trainSet, { epochs: 1, batchSize: 1, learningRate: -1 })).rejects.toThrow(
      'learningRate: -1 must be a positive number, e.g. 0.001.',
    );
    const wrong = lagWindows(sine, 5);
    await expect(train(m, wrong, { ...quiet, epochs: 1, batchSize: 1 })).rejects.toThrow(
      /do not fit the model's input \[batch, 6, 1\]/,
    );
  });
  it('writes one progress line that ends with a summary', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((s: string) => {
      writes.push(String(s));
      return true;
    }) as typeof process.stdout.write);
    const m = buildModel('elman', { steps: 6, features: 1, units: [3], name: 'progreso' });
    await train(m, trainSet, { epochs: 3, batchSize: 50 });
    const text = writes.join('');
    expect(text.split('\n').filter((l) => l.trim()).length).toBe(2);
    expect(text).toMatch(/\rprogreso · época \d\/3/);
    expect(text).toMatch(/progreso: 3 épocas en [\d.]+ s \(motor rápido, float32\)/);
  });
});

describe('no tensor leaks', () => {
  it('keeps tf.memory().numTensors stable across 1,000 training steps and predictions', async () => {
    const m = buildModel('lstm', { steps: 6, features: 1, units: [3], seed: 1 });
    const small = sliceWindows(trainSet, 0, 50);
    await train(m, small, { ...quiet, engine: 'tfjs', epochs: 1, batchSize: 5 });
    predictWindows(m, small);
    const before = tf.memory().numTensors;
    await train(m, small, { ...quiet, engine: 'tfjs', epochs: 100, batchSize: 5 }); // 1,000 steps
    await train(m, small, { ...quiet, engine: 'fast', epochs: 5, batchSize: 5 });
    for (let i = 0; i < 20; i++)
      predictWindows(buildModel('elman', { steps: 6, features: 1, units: [2], dropout: 0.1 }), small);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 20 * 7);
  });
});
