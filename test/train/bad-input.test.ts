/**
 * Bad input to train(): the call itself (missing or Keras-style arguments, typos in option
 * names), option values, data that is not windows with targets, and what a diverging or
 * exploding training leaves behind.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  buildModel,
  initBackend,
  lagWindows,
  predictWindows,
  sliceWindows,
  timeseriesDatasetFromArray,
  train,
} from '../../src';
import type { TrainData, TrainOptions, WindowSet } from '../../src';
import { runEpochs } from '../../src/train/loop';
import { messageOf, sineWindows, weightsOf } from '../support/models';

beforeAll(async () => {
  await initBackend('cpu');
});
afterEach(() => vi.restoreAllMocks());

const { sine, trainSet } = sineWindows();
const quiet = { progress: 'none' as const };
const ok: TrainOptions = { ...quiet, epochs: 1, batchSize: 10 };
// biome-ignore lint/suspicious/noExplicitAny: the point of these tests is calls TypeScript would reject
const untyped = train as (...args: any[]) => ReturnType<typeof train>;

describe('a diverging training leaves the model as it was before train()', () => {
  it.each<['fast' | 'tfjs', Record<string, unknown>]>([
    ['fast', {}],
    ['tfjs', {}],
    ['tfjs', { dropout: 0.1 }],
    ['tfjs', { stateful: true, batchSize: 10 }],
  ])('%s engine, model options %j', async (engine, extra) => {
    const m = buildModel('elman', { steps: 6, features: 1, units: [4], seed: 1, ...extra });
    const before = weightsOf(m);
    const plain = predictWindows(m, sliceWindows(trainSet, 0, 10));
    const options = { ...quiet, engine, epochs: 50, batchSize: 10, optimizer: 'sgd' as const, learningRate: 1e4 };
    const message = await messageOf(train(m, trainSet, options));
    expect(message).toMatch(/^Training diverged: the loss became (NaN|Infinity) at epoch \d+, batch \d+\. /);
    expect(message).toContain('. The model keeps the weights it had before this train() call. Lower the learning');
    expect(weightsOf(m)).toEqual(before);
    expect(Array.from(predictWindows(m, sliceWindows(trainSet, 0, 10)))).toEqual(Array.from(plain));
  });

  it('the tfjs engine restores the weights after any error during training (here a throwing hook)', async () => {
    const m = buildModel('elman', { steps: 6, features: 1, units: [4], seed: 2, dropout: 0.1 });
    const before = weightsOf(m);
    const hook = () => {
      throw new Error('hook failed');
    };
    const options: TrainOptions = { ...ok, epochs: 3, engine: 'tfjs', onEpochEnd: hook };
    await expect(train(m, trainSet, options)).rejects.toThrow(/^hook failed$/);
    expect(weightsOf(m)).toEqual(before);
  });
});

describe('a loss that grows by orders of magnitude without becoming infinite', () => {
  it.each<['fast' | 'tfjs']>([['fast'], ['tfjs']])('warns once (%s): Adam at learningRate 1e6', async (engine) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = buildModel('lstm', { steps: 6, features: 1, units: [4], seed: 1, name: 'explota' });
    const h = await train(m, trainSet, { ...quiet, engine, epochs: 3, batchSize: 10, learningRate: 1e6 });
    expect(h.history.loss[0]).toBeGreaterThan(1e6); // finite, so no divergence error
    expect(warn).toHaveBeenCalledTimes(1);
    const text = String(warn.mock.calls[0][0]);
    expect(text).toMatch(/^explota: the training loss \d\.\d\de\+\d+ of epoch 1 is over 10,000 times that of /);
    expect(text).toMatch(/ the untrained network or of predicting 0 \(0\.\d+\); training is blowing up\. /);
    expect(text).toContain(' Lower learningRate (1e+6 with adam, whose default is 0.001) or scale inputs and targets');
  });

  it('the rule: over 10,000 times the larger of the first batch loss and that of predicting 0, once', async () => {
    // targets ±0.5: predicting 0 costs 0.25 (mse) or 0.5 (mae); the first batch costs 0.1 or 0.8
    const data = {
      x: { data: new Float64Array(4), shape: [4, 1, 1] },
      y: { data: Float64Array.of(0.5, -0.5, 0.5, -0.5), shape: [4, 1] },
    };
    const run = async (losses: number[], options: Partial<TrainOptions>) => {
      const warnings: string[] = [];
      let k = 0;
      const step = { train: () => losses[k++], validate: () => ({ loss: 0, mse: 0, mae: 0 }) };
      const all = { epochs: losses.length, batchSize: 4, ...options };
      await runEpochs(step, data as WindowSet, all, {
        shuffle: false,
        batchPauses: false,
        warn: (m) => warnings.push(m),
      });
      return warnings;
    };
    expect(await run([0.1, 2499, 2501, 1e9], {})).toEqual([
      expect.stringMatching(/loss 2\.50e\+3 of epoch 3 .* \(0\.250\)/),
    ]);
    expect(await run([0.8, 7999, 1e3], { loss: 'mae' })).toEqual([]);
    const [text] = await run([0.8, 8001], { loss: 'mae', optimizer: 'rmsprop' });
    expect(text).toMatch(/loss 8\.00e\+3 of epoch 2 .* \(0\.800\); .* \(0\.001, the default of rmsprop\) /);
    const [sgd] = await run([0.1, 1e5], { optimizer: 'sgd', learningRate: 0.5 });
    expect(sgd).toContain('Lower learningRate (0.5 with sgd, whose default is 0.01) or scale inputs and targets');
  });

  it('stays silent on normal runs, a second run on a trained model and targets far from 0', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = buildModel('gru', { steps: 6, features: 1, units: [4], seed: 1 });
    await train(m, trainSet, { ...quiet, epochs: 20, batchSize: 1, learningRate: 0.01 });
    await train(m, trainSet, { ...quiet, epochs: 5, batchSize: 1, learningRate: 0.01 });
    // unscaled prices (about 1,000): the untrained network is far off, but not blowing up
    const prices = lagWindows(
      Float64Array.from(sine, (v) => 1000 + 50 * v),
      6,
    );
    const elman = buildModel('elman', { steps: 6, features: 1, units: [4], seed: 1 });
    await train(elman, prices, { ...quiet, epochs: 5, batchSize: 8 });
    // tiny targets (about 0.001) with an untrained output near 0.1
    const tiny = lagWindows(
      Float64Array.from(sine, (v) => 0.001 * v),
      6,
    );
    const lstm = buildModel('lstm', { steps: 6, features: 1, units: [4], seed: 3 });
    await train(lstm, tiny, { ...quiet, epochs: 5, batchSize: 1 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('goes through the progress line when it is shown (the line is broken, then goes on)', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((s: string) => {
      writes.push(String(s));
      return true;
    }) as typeof process.stdout.write);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = buildModel('lstm', { steps: 6, features: 1, units: [4], seed: 1, name: 'visible' });
    await train(m, trainSet, { epochs: 2, batchSize: 10, learningRate: 1e6 });
    expect(warn).not.toHaveBeenCalled();
    const warning = '⚠ visible: the training loss [^\\n]+ of epoch 1 is over 10,000 times[^\\n]+';
    expect(writes.join('')).toMatch(
      new RegExp(`\\rvisible · época 1/2 · loss [^\\n]*\\n${warning}\\n\\rvisible · época 2/2`),
    );
  });
});

describe('the training call itself', () => {
  const m = buildModel('elman', { steps: 6, features: 1, units: [3], seed: 1 });

  it('without options says what to pass', async () => {
    expect(await messageOf(untyped(m, trainSet))).toBe(
      'train(model, data, options): options are missing; pass at least { epochs, batchSize }, ' +
        'e.g. { epochs: 200, batchSize: 1 }.',
    );
    expect(await messageOf(untyped(m, trainSet, 200))).toBe(
      'train(model, data, options): options 200 is not an object; pass { epochs, batchSize, … }.',
    );
  });

  it('Keras-style train(model, x, y, …) says to pass the windows as one object', async () => {
    const text =
      'train(model, x, y): the windows go in one argument { x, y } (as lagWindows returns them): ' +
      'train(model, { x, y }, { epochs, batchSize }).';
    expect(await messageOf(untyped(m, trainSet.x, trainSet.y))).toBe(text);
    expect(await messageOf(untyped(m, trainSet.x, trainSet.y, { epochs: 1, batchSize: 1 }))).toBe(text);
    expect(await messageOf(untyped(m, trainSet.x, trainSet.y.data))).toBe(text);
    expect(await messageOf(untyped(m, trainSet.x, ok))).toBe(
      'data: inputs {data, shape} without targets; ' +
        'pass the windows with their targets { x, y } (lagWindows gives both).',
    );
  });

  it('a model that is a Promise (loadModelFiles without await) or not a model', async () => {
    expect(await messageOf(untyped(Promise.resolve(m), trainSet, ok))).toBe(
      'model: a Promise, not a model; await it first: const model = await loadModelFiles(…).',
    );
    expect(await messageOf(untyped(undefined, trainSet, ok))).toBe(
      'model: undefined is not a tfjs model; build one with buildModel (or load one with loadModelFiles).',
    );
  });

  it('a misspelt or Keras-named option is named with the right one', async () => {
    const unknown = (extra: Record<string, unknown>) => messageOf(untyped(m, trainSet, { ...ok, ...extra }));
    expect(await unknown({ learningrate: 0.1 })).toBe(
      'train: unknown option "learningrate"; did you mean "learningRate"?',
    );
    expect(await unknown({ epoch: 3 })).toBe('train: unknown option "epoch"; did you mean "epochs"?');
    expect(await unknown({ batch_size: 3 })).toBe('train: unknown option "batch_size"; did you mean "batchSize"?');
    expect(await unknown({ lr: 0.1 })).toBe('train: unknown option "lr"; did you mean "learningRate"?');
    expect(await unknown({ validation_split: 0.2 })).toBe(
      'train: unknown option "validation_split"; ' +
        'split the windows (sliceWindows, splitFirstN) and pass validationData.',
    );
    expect(await unknown({ verbose: 0 })).toBe(
      'train: unknown option "verbose"; did you mean "progress"? ("line" or "none")',
    );
    expect(await unknown({ colour: 1 })).toBe(
      'train: unknown option "colour"; the options are epochs, batchSize, optimizer, learningRate, momentum, loss, ' +
        'metrics, validationData, shuffle, seed, l2, weightDecay, engine, progress, stopOnNaN, onEpochEnd.',
    );
  });
});

describe('option values', () => {
  const m = buildModel('elman', { steps: 6, features: 1, units: [3], seed: 1 });

  it('momentum is rejected where the optimizer has none (Adam, Adadelta)', async () => {
    expect(await messageOf(train(m, trainSet, { ...ok, momentum: 0.9 }))).toBe(
      'momentum: 0.9 has no effect with optimizer "adam" (the default); ' +
        'use optimizer: "sgd" or "rmsprop" for momentum, or leave momentum out.',
    );
    expect(await messageOf(train(m, trainSet, { ...ok, optimizer: 'adadelta', momentum: 0.5 }))).toMatch(
      /^momentum: 0\.5 has no effect with optimizer "adadelta"; /,
    );
    // 0 means none (the Iberdrola notebook passes it with Adam); SGD and RMSProp take momentum
    await expect(train(m, trainSet, { ...ok, momentum: 0 })).resolves.toMatchObject({ engine: 'fast' });
    await expect(train(m, trainSet, { ...ok, optimizer: 'rmsprop', momentum: 0.9 })).resolves.toMatchObject({
      engine: 'fast',
    });
    expect(await messageOf(train(m, trainSet, { ...ok, optimizer: 'sgd', momentum: 1 }))).toBe(
      'momentum: 1 must be in [0, 1), e.g. 0.9.',
    );
  });

  it('a number given as a string, a non-finite number, a string boolean, a bare metric', async () => {
    const message = (extra: Record<string, unknown>) => messageOf(untyped(m, trainSet, { ...ok, ...extra }));
    expect(await message({ epochs: '200' })).toBe('epochs: "200" (a string) must be a positive integer, e.g. 200.');
    expect(await message({ learningRate: '0.01' })).toBe(
      'learningRate: "0.01" (a string) must be a positive number, e.g. 0.001.',
    );
    expect(await message({ learningRate: Number.POSITIVE_INFINITY })).toBe(
      'learningRate: Infinity must be a positive number, e.g. 0.001.',
    );
    expect(await message({ l2: '0.01' })).toBe('l2: "0.01" (a string) must be zero or a positive number.');
    expect(await message({ weightDecay: Number.NaN })).toBe('weightDecay: NaN must be zero or a positive number.');
    expect(await message({ shuffle: 'false' })).toBe('shuffle: "false" (a string) must be true or false.');
    expect(await message({ stopOnNaN: 0 })).toBe('stopOnNaN: 0 must be true or false.');
    expect(await message({ seed: '7' })).toBe('seed: "7" (a string) must be an integer, e.g. 42.');
    expect(await message({ metrics: 'mae' })).toBe('metrics: "mae" (a string) must be a list, e.g. ["mae"].');
    expect(await message({ onEpochEnd: 'log' })).toBe(
      'onEpochEnd: "log" (a string) must be a function (epoch, logs) => ….',
    );
    expect(await message({ loss: 'huber' })).toBe('loss: "huber" is not supported; use "mse" or "mae".');
  });
});

describe('data that is not windows with targets', () => {
  const m = buildModel('elman', { steps: 6, features: 1, units: [3], seed: 1 });

  it('a raw series is named as such, without listing its values', async () => {
    expect(await messageOf(untyped(m, new Float64Array(120), ok))).toBe(
      'data: a Float64Array of 120 values is a series, not windows; build windows with lagWindows(series, lag) ' +
        '(or timeseriesDatasetFromArray) and pass them: train(model, windows, options).',
    );
    expect(await messageOf(untyped(m, [0.1, 0.2, 0.3], ok))).toMatch(/^data: an array of 3 values is a series, not/);
    const series = new Float64Array(30) as unknown as TrainData;
    expect(await messageOf(train(m, trainSet, { ...ok, validationData: series }))).toMatch(
      /^validationData: a Float64Array of 30 values is a series/,
    );
  });

  it('a Keras-style [x, y] pair', async () => {
    const pair = [trainSet.x, trainSet.y] as unknown as TrainData;
    expect(await messageOf(train(m, trainSet, { ...ok, validationData: pair }))).toBe(
      'validationData: a [x, y] pair; ' +
        'pass the windows as one object { x, y } (as lagWindows and sliceWindows return them).',
    );
  });

  it('windows or a batch source without targets', async () => {
    const ds = timeseriesDatasetFromArray(sine, null, { sequenceLength: 6, batchSize: 8 });
    expect(await messageOf(train(m, ds, ok))).toBe(
      'data: the batch source has no targets (timeseriesDatasetFromArray was given targets = null); ' +
        'give it the targets to train on it.',
    );
    expect(await messageOf(untyped(m, { x: trainSet.x, y: null }, ok))).toBe(
      'data.y: null; training needs targets: build the windows with lagWindows, which gives y.',
    );
    expect(await messageOf(untyped(m, trainSet, { ...ok, validationData: { x: trainSet.x } }))).toMatch(
      /^validationData\.y: undefined; training needs targets/,
    );
  });

  it('NaN or Infinity in the windows is named by window, step and feature before any training', async () => {
    const x = Float64Array.from(trainSet.x.data);
    x[17 * 6 + 3] = Number.NaN;
    const y = Float64Array.from(trainSet.y.data);
    y[42] = Number.POSITIVE_INFINITY;
    const badX = { x: { data: x, shape: trainSet.x.shape }, y: trainSet.y };
    const badY = { x: trainSet.x, y: { data: y, shape: [100, 1] as [number, number] } };
    const before = weightsOf(m);
    expect(await messageOf(train(m, badX, ok))).toBe(
      'data.x: window 17, step 3, feature 0 is NaN; ' +
        'fill or drop missing values before building the windows (e.g. interpolate the series).',
    );
    x[5] = Number.NEGATIVE_INFINITY;
    expect(await messageOf(train(m, badX, ok))).toMatch(/^data\.x: window 0, step 5, feature 0 is -Infinity; /);
    expect(await messageOf(train(m, badY, ok))).toMatch(/^data\.y: the target of window 42 is Infinity; /);
    expect(await messageOf(train(m, trainSet, { ...ok, validationData: badY }))).toMatch(
      /^validationData\.y: the target of window 42 is Infinity/,
    );
    const seq = lagWindows(sine, 3, { layout: 'features', sequenceTargets: true });
    const seqModel = buildModel('lstm', { steps: 1, features: 3, units: [2], returnSequences: true, seed: 2 });
    const seqY = Float64Array.from(seq.y.data);
    seqY[7] = Number.NaN;
    const badSeq = { x: seq.x, y: { data: seqY, shape: seq.y.shape as [number, number, number] } };
    expect(await messageOf(train(seqModel, badSeq, ok))).toMatch(/^data\.y: the target of window 7 is NaN/);
    expect(weightsOf(m)).toEqual(before);
  });
});
