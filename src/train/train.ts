/**
 * `train()`: the one training call of the notebooks. It checks the call, the options and the
 * data once, picks the backend (the fast engine, else tfjs) and shows one live progress line.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainData, TrainHistory, TrainOptions, TrainSettings } from '../core/types';
import { editDistance } from '../core/checks';
import { DEFAULT_LEARNING_RATES } from '../engine';
import { modelWindowShape } from '../models/inference';
import { checkTrainData } from '../series/shapes';
import { isWindowBatches } from '../series/windows';
import { engineSupport, fitFast } from './fast';
import { ProgressLine } from './progress';
import { fitTfjs } from './tfjs';

const OPTIMIZERS = Object.keys(DEFAULT_LEARNING_RATES);
const LOSSES = ['mse', 'mae'];
/** Optimizers that use `momentum` (tfjs' momentum SGD and RMSProp); Adam and Adadelta have none. */
const WITH_MOMENTUM = ['sgd', 'rmsprop'];

/** Every option of `train()`, in the order of `TrainOptions` (the compiler keeps this list complete). */
const OPTION_NAMES = Object.keys({
  epochs: 1,
  batchSize: 1,
  optimizer: 1,
  learningRate: 1,
  momentum: 1,
  loss: 1,
  metrics: 1,
  validationData: 1,
  shuffle: 1,
  seed: 1,
  l2: 1,
  weightDecay: 1,
  engine: 1,
  progress: 1,
  stopOnNaN: 1,
  onEpochEnd: 1,
} satisfies Record<keyof TrainOptions, 1>);

/** Keras' (and other) option names a user may bring along, with what to write instead. */
const FOREIGN_OPTIONS: Record<string, string> = {
  lr: 'did you mean "learningRate"?',
  verbose: 'did you mean "progress"? ("line" or "none")',
  callbacks: 'did you mean "onEpochEnd"? (a function (epoch, logs) => …)',
  validation_split: 'split the windows (sliceWindows, splitFirstN) and pass validationData.',
  validationSplit: 'split the windows (sliceWindows, splitFirstN) and pass validationData.',
};

/** How a value reads in a message: a string is quoted and called one, so "200" is not taken for 200. */
function shown(v: unknown): string {
  if (typeof v === 'string') return `${JSON.stringify(v)} (a string)`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return String(v);
}

/** How the value of a named-choice option reads (`loss: "huber"`): strings quoted, anything else as `shown`. */
const quoted = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : shown(v));

/** What to say about an unknown option: the option meant, else the list of options. */
function unknownOptionHint(key: string): string {
  if (FOREIGN_OPTIONS[key]) return FOREIGN_OPTIONS[key];
  const plain = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const near = OPTION_NAMES.map((name) => ({ name, d: editDistance(plain(key), plain(name)) })).sort(
    (a, b) => a.d - b.d,
  )[0];
  if (near.d === 0 || (near.d <= 2 && key.length >= 4)) return `did you mean "${near.name}"?`;
  return `the options are ${OPTION_NAMES.join(', ')}.`;
}

const isArrayLike = (v: unknown): boolean => Array.isArray(v) || ArrayBuffer.isView(v);
/** `{data, shape}` without `x`: inputs (or targets) alone, as Keras' `fit(x, y)` takes them. */
const isBareArray = (v: unknown): boolean => !!v && typeof v === 'object' && 'data' in v && 'shape' in v && !('x' in v);

/** The arguments themselves: a model (not a Promise of one), windows in one argument, an options object. */
function checkCall(model: unknown, data: unknown, options: unknown): void {
  if (model && typeof (model as Promise<unknown>).then === 'function') {
    throw new Error('model: a Promise, not a model; await it first: const model = await loadModelFiles(…).');
  }
  const m = model as tfTypes.LayersModel | undefined;
  if (!m || typeof m !== 'object' || !Array.isArray(m.inputs) || !Array.isArray(m.layers)) {
    throw new Error(
      `model: ${shown(model)} is not a tfjs model; build one with buildModel (or load one with loadModelFiles).`,
    );
  }
  if (isBareArray(data) && (isBareArray(options) || isArrayLike(options))) {
    throw new Error(
      'train(model, x, y): the windows go in one argument { x, y } (as lagWindows returns them): ' +
        'train(model, { x, y }, { epochs, batchSize }).',
    );
  }
  if (options === undefined || options === null) {
    throw new Error(
      'train(model, data, options): options are missing; pass at least { epochs, batchSize }, ' +
        'e.g. { epochs: 200, batchSize: 1 }.',
    );
  }
  if (typeof options !== 'object' || isArrayLike(options)) {
    throw new Error(
      `train(model, data, options): options ${shown(options)} is not an object; pass { epochs, batchSize, … }.`,
    );
  }
}

function checkTrainOptions(options: TrainOptions): void {
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) throw new Error(`train: unknown option "${key}"; ${unknownOptionHint(key)}`);
  }
  const { epochs, batchSize, learningRate, momentum } = options;
  if (!Number.isInteger(epochs) || epochs <= 0) {
    throw new Error(`epochs: ${shown(epochs)} must be a positive integer, e.g. 200.`);
  }
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new Error(`batchSize: ${shown(batchSize)} must be a positive integer (1 = online learning).`);
  }
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (learningRate !== undefined && !(finite(learningRate) && learningRate > 0)) {
    throw new Error(`learningRate: ${shown(learningRate)} must be a positive number, e.g. 0.001.`);
  }
  for (const k of ['l2', 'weightDecay'] as const) {
    const v = options[k];
    if (v !== undefined && !(finite(v) && v >= 0)) {
      throw new Error(`${k}: ${shown(v)} must be zero or a positive number.`);
    }
  }
  if (options.engine !== undefined && !['auto', 'fast', 'tfjs'].includes(options.engine)) {
    throw new Error(`engine: ${quoted(options.engine)} must be "auto", "fast" or "tfjs".`);
  }
  const optimizer = options.optimizer ?? 'adam';
  if (!OPTIMIZERS.includes(optimizer)) {
    throw new Error(
      `optimizer: ${quoted(optimizer)} is not supported; use "adam", "adadelta", "sgd" (with momentum) or "rmsprop" ` +
        '(add weightDecay for AdamW).',
    );
  }
  if (momentum !== undefined && !(finite(momentum) && momentum >= 0 && momentum < 1)) {
    throw new Error(`momentum: ${shown(momentum)} must be in [0, 1), e.g. 0.9.`);
  }
  if (momentum && !WITH_MOMENTUM.includes(optimizer)) {
    const which = options.optimizer === undefined ? `"${optimizer}" (the default)` : `"${optimizer}"`;
    throw new Error(
      `momentum: ${momentum} has no effect with optimizer ${which}; use optimizer: "sgd" or "rmsprop" for momentum, ` +
        'or leave momentum out.',
    );
  }
  if (options.loss !== undefined && !LOSSES.includes(options.loss)) {
    throw new Error(`loss: ${quoted(options.loss)} is not supported; use "mse" or "mae".`);
  }
  if (options.metrics !== undefined && !Array.isArray(options.metrics)) {
    throw new Error(`metrics: ${shown(options.metrics)} must be a list, e.g. ["mae"].`);
  }
  for (const m of options.metrics ?? []) {
    if (!LOSSES.includes(m)) {
      const why = 'use "mse" and/or "mae" (RMSE is the square root of mse)';
      throw new Error(`metrics: ${quoted(m)} is not supported; ${why}.`);
    }
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new Error(`seed: ${shown(options.seed)} must be an integer, e.g. 42.`);
  }
  for (const k of ['shuffle', 'stopOnNaN'] as const) {
    const v = options[k];
    if (v !== undefined && typeof v !== 'boolean') throw new Error(`${k}: ${shown(v)} must be true or false.`);
  }
  if (options.progress !== undefined && options.progress !== 'line' && options.progress !== 'none') {
    throw new Error(`progress: ${quoted(options.progress)} must be "line" or "none".`);
  }
  if (options.onEpochEnd !== undefined && typeof options.onEpochEnd !== 'function') {
    throw new Error(`onEpochEnd: ${shown(options.onEpochEnd)} must be a function (epoch, logs) => ….`);
  }
}

/**
 * What the training call needs beyond the shape check of series/shapes.ts: windows with their
 * targets, not a bare series, inputs alone, a Keras `[x, y]` pair or a source without targets.
 */
function checkTrainInputs(name: string, data: unknown): void {
  if (isArrayLike(data)) {
    const items = data as ArrayLike<unknown>;
    if (Array.isArray(data) && data.length === 2 && data.every((v) => v !== null && typeof v === 'object')) {
      throw new Error(
        `${name}: a [x, y] pair; pass the windows as one object { x, y } (as lagWindows and sliceWindows return them).`,
      );
    }
    const what = Array.isArray(data) ? 'an array' : `a ${(data as object).constructor.name}`;
    throw new Error(
      `${name}: ${what} of ${items.length} values is a series, not windows; ` +
        'build windows with lagWindows(series, lag) (or timeseriesDatasetFromArray) and pass them: ' +
        'train(model, windows, options).',
    );
  }
  if (data === null || typeof data !== 'object') return; // series/shapes.ts names it
  if (isWindowBatches(data as TrainData)) {
    if ((data as { outputs: number }).outputs === 0) {
      throw new Error(
        `${name}: the batch source has no targets (timeseriesDatasetFromArray was given targets = null); ` +
          'give it the targets to train on it.',
      );
    }
    return;
  }
  if (isBareArray(data)) {
    throw new Error(
      `${name}: inputs {data, shape} without targets; ` +
        'pass the windows with their targets { x, y } (lagWindows gives both).',
    );
  }
  const y = (data as { y?: unknown }).y;
  if ('x' in data && (y === null || y === undefined)) {
    throw new Error(`${name}.y: ${y}; training needs targets: build the windows with lagWindows, which gives y.`);
  }
}

/** Every check of the training data: what was passed, then its shape and values against the model (series/shapes.ts). */
function checkData(name: string, data: TrainData, model: tfTypes.LayersModel): void {
  checkTrainInputs(name, data);
  checkTrainData(name, data, modelWindowShape(model));
}

const saidWhy = new Set<string>();

/**
 * Trains `model` on `data` — the one training call of every notebook. With `engine:
 * 'auto'` (default) the fused engine trains supported stacks (Elman, Jordan, LSTM, GRU,
 * Dense, Flatten; no dropout or statefulness) and tfjs trains the rest, saying once why.
 * Shows one live progress line; returns per-epoch `loss`/`val_loss`/metrics and seconds.
 * Stateful models (tfjs) train on their windows in order with the state reset at every
 * epoch's start; `batchSize` must be the one they were built with (see `fitTfjs`).
 * Before training it rejects, naming the argument and the fix: unknown option names (with
 * the one meant), wrong option values, data that is not windows with targets, NaN or
 * Infinity in the windows. A training that stops with an error (the loss became NaN or
 * Infinity, a hook threw) leaves the model with the weights it had before the call, on both
 * engines; a loss that grows over 10,000 times its start without becoming infinite is warned
 * about once (see `BLOW_UP_FACTOR` in train/loop.ts).
 */
export async function train(model: tfTypes.LayersModel, data: TrainData, options: TrainOptions): Promise<TrainHistory> {
  checkCall(model, data, options);
  checkTrainOptions(options);
  checkData('data', data, model);
  if (options.validationData !== undefined) checkData('validationData', options.validationData, model);
  const choice = options.engine ?? 'auto';
  let useFast = false;
  let fallbackReason: string | undefined;
  if (choice !== 'tfjs') {
    const reason = engineSupport(model);
    if (reason === null) useFast = true;
    else if (choice === 'fast')
      throw new Error(`engine "fast" cannot train ${model.name}: ${reason}. Use engine: "auto" or "tfjs".`);
    else {
      fallbackReason = reason;
      const key = `${model.name}: ${reason}`;
      if (!saidWhy.has(key)) {
        saidWhy.add(key);
        console.log(`(motor tfjs para ${model.name}: el motor rápido no lo admite — ${reason})`);
      }
    }
  }
  const progress = new ProgressLine(model.name, options.epochs, (options.progress ?? 'line') === 'line');
  const userHook = options.onEpochEnd;
  const opts: TrainOptions = {
    ...options,
    onEpochEnd: (epoch, logs) => {
      progress.update(epoch, logs);
      userHook?.(epoch, logs);
    },
  };
  const warn = (message: string) => progress.note(`${model.name}: ${message}`);
  const loop = {
    onBatch: (epoch: number, batch: number, batches: number) => progress.batch(epoch, batch, batches),
    warn,
  };
  const fitted = useFast ? await fitFast(model, data, opts, { warn }) : await fitTfjs(model, data, opts, loop);
  const result: TrainHistory = { ...fitted, settings: settingsOf(model, data, options) };
  if (fallbackReason) result.fallbackReason = fallbackReason;
  const last = Object.entries(result.history)
    .map(([k, v]) => `${k} ${v[v.length - 1].toPrecision(4)}`)
    .join(', ');
  progress.finish(
    `${model.name}: ${options.epochs} épocas en ${result.totalSeconds.toFixed(1)} s (motor ${result.engine === 'fast' ? 'rápido' : 'tfjs'}, ${result.precision}); ${last}`,
  );
  return result;
}

function windowCount(data: TrainData): number {
  return isWindowBatches(data) ? data.numWindows : data.x.shape[0];
}

/** The settings a training ran with, defaults filled in as `train()` applies them. */
function settingsOf(model: tfTypes.LayersModel, data: TrainData, options: TrainOptions): TrainSettings {
  const optimizer = options.optimizer ?? 'adam';
  return {
    model: model.name,
    epochs: options.epochs,
    batchSize: isWindowBatches(data) ? data.batchSize : options.batchSize,
    optimizer,
    learningRate: options.learningRate ?? DEFAULT_LEARNING_RATES[optimizer],
    momentum: options.momentum ?? 0,
    loss: options.loss ?? 'mse',
    shuffle: options.shuffle ?? !model.layers.some((l) => (l.getConfig() as { stateful?: boolean }).stateful),
    seed: options.seed ?? 0,
    l2: options.l2 ?? 0,
    weightDecay: options.weightDecay ?? 0,
    trainWindows: windowCount(data),
    validationWindows: options.validationData === undefined ? 0 : windowCount(options.validationData),
  };
}
