import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, initBackend, lagWindows, sliceWindows, timeseriesDatasetFromArray, train } from '../../src';
import type { TrainOptions } from '../../src';

beforeAll(async () => {
  await initBackend('cpu');
});

const sine = Float64Array.from({ length: 90 }, (_, i) => 0.8 * Math.sin(i / 4));
const windows = lagWindows(sine, 4);
const trainSet = sliceWindows(windows, 0, 60);
const valSet = sliceWindows(windows, 60, 83); // 23 windows: not a multiple of the batch size
const quiet: Partial<TrainOptions> = { progress: 'none' };

describe('stateful models (documento 004) on the tfjs path', () => {
  const build = () =>
    buildModel('lstm', {
      steps: 4,
      features: 1,
      units: [3],
      stateful: true,
      batchSize: 5,
      seed: 3,
      name: 'lstm_con_estado',
    });

  it('train in order with validation, deterministically, and lower the loss', async () => {
    const run = async () => {
      const m = build();
      const h = await train(m, trainSet, {
        ...quiet,
        epochs: 4,
        batchSize: 5,
        learningRate: 0.05,
        validationData: valSet,
        metrics: ['mae'],
      });
      m.dispose();
      return h;
    };
    const a = await run();
    expect(a.engine).toBe('tfjs');
    expect(a.fallbackReason).toMatch(/stateful/);
    expect(Object.keys(a.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    expect(a.history.loss[3]).toBeLessThan(a.history.loss[0]);
    for (const v of a.history.val_loss) expect(Number.isFinite(v)).toBe(true);
    expect((await run()).history).toEqual(a.history);
  });

  it('say which batch size and how many windows to use', async () => {
    const m = build();
    await expect(train(m, trainSet, { ...quiet, epochs: 1, batchSize: 4 })).rejects.toThrow(
      /batchSize: 4 differs from the batch size 5 that the stateful model lstm_con_estado was built with; train with batchSize: 5/,
    );
    await expect(train(m, sliceWindows(windows, 0, 62), { ...quiet, epochs: 1, batchSize: 5 })).rejects.toThrow(
      /data: 62 windows are not a multiple of the stateful model's batch size 5; keep the first 60/,
    );
    const ds = timeseriesDatasetFromArray(sine.subarray(0, 60), sine.subarray(4), { sequenceLength: 4, batchSize: 4 });
    await expect(train(m, ds, { ...quiet, epochs: 1, batchSize: 5 })).rejects.toThrow(
      /data.batchSize: 4 differs from the batch size 5/,
    );
  });
});

describe('train() checks its inputs on every engine', () => {
  it.each<['fast' | 'tfjs']>([['fast'], ['tfjs']])('names the bad option and the fix (%s)', async (engine) => {
    const m = buildModel('gru', { steps: 4, features: 1, units: [2], seed: 1 });
    const o = { ...quiet, engine, epochs: 1, batchSize: 5 };
    await expect(train(m, trainSet, { ...o, loss: 'huber' as 'mse' })).rejects.toThrow(
      /loss: "huber" is not supported; use "mse" or "mae"/,
    );
    await expect(train(m, trainSet, { ...o, metrics: ['rmse' as 'mse'] })).rejects.toThrow(
      /metrics: "rmse" is not supported/,
    );
    await expect(train(m, trainSet, { ...o, optimizer: 'adamw' as 'adam' })).rejects.toThrow(
      /optimizer: "adamw" is not supported; .*weightDecay/,
    );
    await expect(train(m, lagWindows(sine, 5), o)).rejects.toThrow(
      /data: windows of shape \[85, 5, 1\] do not fit the model's input \[batch, 4, 1\]/,
    );
    await expect(train(m, trainSet, { ...o, validationData: lagWindows(sine, 3) })).rejects.toThrow(
      /validationData: windows of shape \[87, 3, 1\]/,
    );
    const two = buildModel('elman', { steps: 4, features: 1, units: [2], outputUnits: 2 });
    await expect(train(two, trainSet, o)).rejects.toThrow(
      /data: 60 targets for 60 windows, but the model gives 2 output\(s\) per window/,
    );
    const ds = timeseriesDatasetFromArray(sine, sine.subarray(6), { sequenceLength: 6, batchSize: 8 });
    await expect(train(m, ds, o)).rejects.toThrow(
      /data: batches of \[6 steps, 1 features\] do not fit the model's input \[batch, 4, 1\]/,
    );
  });

  it('trains on a lazy batch source with the tfjs engine', async () => {
    const ds = timeseriesDatasetFromArray(sine, sine.subarray(4), {
      sequenceLength: 4,
      batchSize: 16,
      shuffle: true,
      seed: 2,
    });
    const net = buildModel('elman', { steps: 4, features: 1, units: [4], seed: 2 });
    const h = await train(net, ds, {
      ...quiet,
      engine: 'tfjs',
      epochs: 5,
      batchSize: 16,
      learningRate: 0.03,
      validationData: valSet,
    });
    expect(h.history.loss[4]).toBeLessThan(h.history.loss[0]);
    expect(h.history.val_loss).toHaveLength(5);
  });
});

describe('progress inside long epochs', () => {
  it('shows the batch reached on the same line when an epoch takes longer than 250 ms', async () => {
    const { vi } = await import('vitest');
    const writes: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(((s: string) => {
      writes.push(String(s));
      return true;
    }) as typeof process.stdout.write);
    let clock = 1_000_000;
    const now = vi.spyOn(Date, 'now').mockImplementation(() => (clock += 100)); // every call: +0.1 s
    try {
      const m = buildModel('elman', { steps: 4, features: 1, units: [2], seed: 1, name: 'lento' });
      await train(m, trainSet, { epochs: 2, batchSize: 10, engine: 'tfjs' });
    } finally {
      now.mockRestore();
      out.mockRestore();
    }
    const text = writes.join('');
    expect(text).toMatch(/\rlento · época 1\/2 · lote \d\/6 · /);
    expect(text).toMatch(/\rlento · época 2\/2 · loss [\d.]+ · [\d.]+ s\/época · quedan ~0 s/);
    expect(text.split('\n').filter((l) => l.trim()).length).toBe(2);
  });
});
