import type { Array2D, Array3D, BatchBuffers, FlatBatch, TrainData, WindowBatches, WindowSet } from '../core/types';
import { seededRandom as rng } from '../runtime/random';
import {
  checkFinite,
  checkIndex,
  checkNumber,
  checkOptionKeys,
  checkPositiveInt,
  describeValue,
  firstNonFinite,
} from '../core/checks';

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function seededPermutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const r = rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function as2D(data: Float64Array | Array2D, name: string): Array2D {
  if (data instanceof Float64Array) return { data, shape: [data.length, 1] };
  if (Array.isArray(data)) throw new Error(`${name}: a plain array; pass Float64Array.from(values).`);
  if (!data || !(data.data instanceof Float64Array) || data.shape?.length !== 2) {
    throw new Error(`${name}: expected a Float64Array or { data: Float64Array, shape: [rows, features] }.`);
  }
  if (data.data.length !== data.shape[0] * data.shape[1]) {
    throw new Error(
      `${name}: data has ${data.data.length} values but shape ${JSON.stringify(data.shape)} needs ${data.shape[0] * data.shape[1]}.`,
    );
  }
  return data;
}

/** Where flat value i of rows × `features` is, for messages ("row 4, feature 1" or "row 4"). */
const rowOf = (features: number) => (i: number) =>
  features === 1 ? `row ${i}` : `row ${Math.floor(i / features)}, feature ${i % features}`;

const FILL_ROWS = 'fill or drop missing values first (e.g. interpolate), or set startIndex/endIndex to leave them out';

export interface TimeseriesDatasetOptions {
  sequenceLength: number;
  samplingRate?: number;
  sequenceStride?: number;
  startIndex?: number;
  endIndex?: number;
  batchSize?: number;
  shuffle?: boolean;
  seed?: number;
}

const DATASET_OPTIONS = [
  'sequenceLength',
  'samplingRate',
  'sequenceStride',
  'startIndex',
  'endIndex',
  'batchSize',
  'shuffle',
  'seed',
] as const;

/** The lazy windows of `timeseriesDatasetFromArray`. */
export interface TimeseriesDataset extends WindowBatches {
  /** Absolute row index (into `data`) where each window starts, in unshuffled order. */
  readonly starts: Int32Array;
  /** All windows in order as one WindowSet (only for small data: it materialises everything). */
  materialize(): WindowSet & { y: Array2D };
}

/**
 * Keras' `timeseries_dataset_from_array`, served lazily from indices into the original
 * arrays. Window i starts at row `startIndex + i·sequenceStride`, takes `sequenceLength`
 * rows `samplingRate` apart, and its target is `targets[startIndex + i·sequenceStride]`.
 * Number of windows: `endIndex − startIndex − (sequenceLength − 1)·samplingRate`
 * (divided by the stride, capped by the number of targets). Batches are consecutive
 * windows, the last one possibly partial. With `shuffle`, epoch e uses a seeded
 * permutation (seed + e) of all windows (Keras shuffles with a buffer; both are
 * reshuffled every epoch).
 *
 * The rows the windows read and the targets they take are checked once here (the source holds
 * the whole series): a NaN/±Inf is an error naming its row, never a NaN loss later.
 */
export function timeseriesDatasetFromArray(
  data: Float64Array | Array2D,
  targets: Float64Array | Array2D | null,
  options: TimeseriesDatasetOptions,
): TimeseriesDataset {
  const d = as2D(data, 'data');
  const [rows, features] = d.shape;
  if (rows === 0) throw new Error('data: the array is empty (0 rows); pass the series to cut into windows.');
  checkOptionKeys('timeseriesDatasetFromArray', options, DATASET_OPTIONS);
  const { sequenceLength } = options ?? ({} as TimeseriesDatasetOptions);
  const samplingRate = options?.samplingRate ?? 1;
  const stride = options?.sequenceStride ?? 1;
  const batchSize = options?.batchSize ?? 128;
  checkPositiveInt('sequenceLength', sequenceLength, 'give the number of steps per window, e.g. 120');
  checkPositiveInt('samplingRate', samplingRate, 'use 1 to take every row');
  checkPositiveInt('sequenceStride', stride, 'use 1 for a window starting at every row');
  checkPositiveInt('batchSize', batchSize, 'e.g. 256');
  if (options.shuffle !== undefined && typeof options.shuffle !== 'boolean') {
    throw new Error(`shuffle: ${describeValue(options.shuffle)} must be true or false.`);
  }
  if (options.seed !== undefined) {
    checkNumber('seed', options.seed, 'give an integer seed, e.g. 1337');
    if (!Number.isInteger(options.seed)) throw new Error(`seed: ${options.seed} must be an integer, e.g. 1337.`);
  }
  const startIndex = options.startIndex ?? 0;
  const endIndex = options.endIndex ?? rows;
  checkNumber('startIndex', startIndex, 'give the row of the first window');
  checkNumber('endIndex', endIndex, 'give the row after the last one the windows may read');
  if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex >= rows) {
    throw new Error(`startIndex: ${startIndex} must be an integer in [0, ${rows}) (data has ${rows} rows).`);
  }
  if (!Number.isInteger(endIndex) || endIndex <= startIndex || endIndex > rows) {
    const where = `(after startIndex, at most the ${rows} rows)`;
    throw new Error(`endIndex: ${endIndex} must be an integer in (${startIndex}, ${rows}] ${where}.`);
  }
  const t = targets === null ? null : as2D(targets, 'targets');
  if (t && t.shape[0] <= startIndex) {
    throw new Error(
      `targets: ${t.shape[0]} rows, but window i's target is targets[startIndex + i·sequenceStride] ` +
        `from startIndex ${startIndex}; ` +
        'pass targets aligned with data (targets[i] belongs to the window starting at row i).',
    );
  }
  let span = endIndex - startIndex - (sequenceLength - 1) * samplingRate;
  if (t) span = Math.min(span, t.shape[0] - startIndex);
  if (span <= 0) {
    throw new Error(
      `data: ${endIndex - startIndex} rows between startIndex and endIndex are too few for windows of sequenceLength ${sequenceLength} with samplingRate ${samplingRate}; use shorter windows or more data.`,
    );
  }
  const numWindows = Math.ceil(span / stride);
  const starts = new Int32Array(numWindows);
  for (let i = 0; i < numWindows; i++) starts[i] = startIndex + i * stride;
  checkRowsRead(d, startIndex, numWindows, stride, sequenceLength, samplingRate);
  const outputs = t ? t.shape[1] : 0;
  if (t) {
    for (let i = 0; i < numWindows; i++) {
      const at = firstNonFinite(t.data, starts[i] * outputs, (starts[i] + 1) * outputs);
      if (at >= 0) {
        throw new Error(`targets: ${rowOf(outputs)(at)} is ${t.data[at]} (the target of window ${i}); ${FILL_ROWS}.`);
      }
    }
  }
  const numBatches = Math.ceil(numWindows / batchSize);
  const seed = options.seed ?? 0;
  let orderEpoch = -1;
  let order: Int32Array | null = null;
  const orderFor = (epoch: number): Int32Array | null => {
    if (!options.shuffle) return null;
    if (epoch !== orderEpoch) {
      order = seededPermutation(numWindows, seed + epoch);
      orderEpoch = epoch;
    }
    return order;
  };
  const fill = (windowIds: ArrayLike<number>, into?: BatchBuffers): WindowSet & { y: Array2D } => {
    const n = windowIds.length;
    const xn = n * sequenceLength * features;
    const reuse = into !== undefined && into.x.length >= xn && into.y.length >= n * outputs;
    const x = reuse ? into.x.subarray(0, xn) : new Float64Array(xn);
    const y = reuse ? into.y.subarray(0, n * outputs) : new Float64Array(n * outputs);
    const src = d.data;
    const rowStep = samplingRate * features; // between a window's consecutive steps in src
    const w = sequenceLength * features; // values of one window in x
    // Four windows at a time, their rows copied side by side: in a shuffled batch each window
    // is a different place in memory, and reading four of them at once lets the processor
    // wait for their cache misses together (2–3× faster than one window after the other).
    let b = 0;
    for (; b + 4 <= n; b += 4) {
      const s0 = starts[windowIds[b]] * features;
      const s1 = starts[windowIds[b + 1]] * features;
      const s2 = starts[windowIds[b + 2]] * features;
      const s3 = starts[windowIds[b + 3]] * features;
      for (let j = 0; j < sequenceLength; j++) {
        const from = j * rowStep;
        const to = b * w + j * features;
        for (let f = 0; f < features; f++) {
          x[to + f] = src[s0 + from + f];
          x[to + w + f] = src[s1 + from + f];
          x[to + 2 * w + f] = src[s2 + from + f];
          x[to + 3 * w + f] = src[s3 + from + f];
        }
      }
    }
    for (; b < n; b++) {
      const s = starts[windowIds[b]] * features;
      for (let j = 0; j < sequenceLength; j++) {
        const from = s + j * rowStep;
        const to = b * w + j * features;
        for (let f = 0; f < features; f++) x[to + f] = src[from + f];
      }
    }
    if (t)
      for (let k = 0; k < n; k++)
        for (let o = 0; o < outputs; o++) y[k * outputs + o] = t.data[starts[windowIds[k]] * outputs + o];
    return { x: { data: x, shape: [n, sequenceLength, features] }, y: { data: y, shape: [n, outputs] } };
  };
  return {
    numWindows,
    numBatches,
    batchSize,
    sequenceLength,
    features,
    outputs,
    starts,
    batch(index: number, epoch = 0, into?: BatchBuffers) {
      if (!Number.isInteger(index) || index < 0 || index >= numBatches)
        throw new Error(`batch: index ${index} is outside 0…${numBatches - 1}.`);
      const from = index * batchSize;
      const to = Math.min(numWindows, from + batchSize);
      const perm = orderFor(epoch);
      const ids = new Int32Array(to - from);
      for (let i = from; i < to; i++) ids[i - from] = perm ? perm[i] : i;
      return fill(ids, into);
    },
    materialize() {
      const ids = new Int32Array(numWindows);
      for (let i = 0; i < numWindows; i++) ids[i] = i;
      return fill(ids);
    },
  };
}

/**
 * Throws at the first NaN/±Inf in a row some window reads: one pass over the rows from the first
 * window's start to the last one's end; a bad row is then matched to the windows (with
 * samplingRate and stride above 1 some rows in between are never read, and are not errors).
 */
function checkRowsRead(
  d: Array2D,
  first: number,
  numWindows: number,
  stride: number,
  length: number,
  rate: number,
): void {
  const features = d.shape[1];
  const last = first + (numWindows - 1) * stride + (length - 1) * rate;
  let from = first * features;
  for (;;) {
    const at = firstNonFinite(d.data, from, (last + 1) * features);
    if (at < 0) return;
    const row = Math.floor(at / features);
    let read = false;
    for (let j = 0; j < length && !read; j++) {
      const offset = row - first - j * rate;
      read = offset >= 0 && offset % stride === 0 && offset / stride < numWindows;
    }
    if (read) throw new Error(`data: ${rowOf(features)(at)} is ${d.data[at]}; ${FILL_ROWS}.`);
    from = at + 1;
  }
}

export interface LagWindowOptions {
  /**
   * `steps` (default): x `[samples, lag, features]`, one time step per lag (documento 000).
   * `features`: x `[samples, 1, lag·features]`, the lags as features of one step (documento 004).
   */
  layout?: 'steps' | 'features';
  /** Index of the feature to predict when the series has several (default 0). */
  targetFeature?: number;
  /** Targets `[samples, 1, 1]` for a model that returns sequences (documento 004's return_sequences). */
  sequenceTargets?: boolean;
}

/**
 * `create_dataset` of documentos 000 y 004: window i = series[i … i+lag−1], target = series[i+lag];
 * `series.length − lag` samples.
 */
export function lagWindows(series: Float64Array | Array2D, lag: number, options: LagWindowOptions = {}): WindowSet {
  checkPositiveInt('lag', lag, 'use the number of previous values per window, e.g. 20');
  checkOptionKeys('lagWindows', options, ['layout', 'targetFeature', 'sequenceTargets']);
  if (options.layout !== undefined && options.layout !== 'steps' && options.layout !== 'features') {
    const fix = 'use "steps" (one step per lag) or "features" (the lags as features of one step)';
    throw new Error(`lagWindows: layout ${describeValue(options.layout)} is not "steps" or "features"; ${fix}.`);
  }
  const d = as2D(series, 'series');
  const [rows, features] = d.shape;
  if (rows === 0) {
    throw new Error(`series: the array is empty (0 values); pass the series to cut into windows of lag ${lag}.`);
  }
  const where = features === 1 ? (i: number) => `value at index ${i}` : rowOf(features);
  checkFinite('series', d.data, 'fill or drop missing values (NaN/Inf) first, e.g. interpolate', where);
  if (rows <= lag) throw new Error(`series: ${rows} values are too few for lag ${lag}; need at least ${lag + 1}.`);
  const target = options.targetFeature ?? 0;
  checkIndex('targetFeature', target, features, 'a feature index', `the series has ${features} feature(s)`);
  const n = rows - lag;
  const x = new Float64Array(n * lag * features);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x.set(d.data.subarray(i * features, (i + lag) * features), i * lag * features);
    y[i] = d.data[(i + lag) * features + target];
  }
  const shape: [number, number, number] = options.layout === 'features' ? [n, 1, lag * features] : [n, lag, features];
  const yOut: Array2D | Array3D = options.sequenceTargets ? { data: y, shape: [n, 1, 1] } : { data: y, shape: [n, 1] };
  return { x: { data: x, shape }, y: yOut };
}

/** Windows `from` (inclusive) … `to` (exclusive) of a WindowSet, Python slice semantics (negatives count from the end). */
export function sliceWindows(set: WindowSet, from = 0, to?: number): WindowSet {
  const n = set.x.shape[0];
  const [a, b] = resolveSlice(n, from, to, 'sliceWindows');
  const xs = set.x.shape[1] * set.x.shape[2];
  const ys = set.y.data.length / n;
  const x: Array3D = { data: set.x.data.slice(a * xs, b * xs), shape: [b - a, set.x.shape[1], set.x.shape[2]] };
  const yShape = [b - a, ...set.y.shape.slice(1)] as [number, number] | [number, number, number];
  return { x, y: { data: set.y.data.slice(a * ys, b * ys), shape: yShape } as Array2D | Array3D };
}

/** Resolves a Python-style slice `[from:to]` of a length-n sequence to absolute bounds. */
export function resolveSlice(
  n: number,
  from: number | undefined,
  to: number | undefined,
  what: string,
): [number, number] {
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (v === undefined) continue;
    checkNumber(`${what}: ${name}`, v, 'give an integer index (negative counts from the end) or leave it out');
    if (!Number.isInteger(v)) {
      const fix = 'use whole numbers (negative counts from the end)';
      throw new Error(`${what}: ${name} = ${describeValue(v)} is not an integer index; ${fix}.`);
    }
  }
  const norm = (v: number) => (v < 0 ? Math.max(0, n + v) : Math.min(n, v));
  const a = from === undefined ? 0 : norm(from);
  const b = to === undefined ? n : norm(to);
  if (!Number.isInteger(a) || !Number.isInteger(b) || b <= a) {
    throw new Error(`${what}: the range [${from ?? ''}:${to ?? ''}] of ${n} items is empty; check the indices.`);
  }
  return [a, b];
}

/** True when `data` is a lazy batch source (`timeseriesDatasetFromArray`), not materialised windows. */
export function isWindowBatches(data: TrainData): data is WindowBatches {
  return typeof (data as WindowBatches).batch === 'function';
}

/**
 * The batches of one training epoch, from materialised windows (shuffled with the seeded
 * permutation `seed + epoch` when `shuffle`) or from a lazy source (which orders them
 * itself). The arrays may be reused between batches: copy what you keep.
 */
export function* epochBatches(
  data: TrainData,
  options: { batchSize: number; epoch?: number; shuffle?: boolean; seed?: number },
): Generator<FlatBatch> {
  const epoch = options.epoch ?? 0;
  if (isWindowBatches(data)) {
    const src = data;
    // one pair of buffers for the whole epoch (each batch is used before the next is made)
    const into = {
      x: new Float64Array(src.batchSize * src.sequenceLength * src.features),
      y: new Float64Array(src.batchSize * src.outputs),
    };
    for (let b = 0; b < src.numBatches; b++) {
      const { x, y } = src.batch(b, epoch, into);
      yield { x: x.data, y: y.data, n: x.shape[0] };
    }
    return;
  }
  const set = data;
  const n = set.x.shape[0];
  const xs = set.x.shape[1] * set.x.shape[2];
  const ys = set.y.data.length / n;
  const bs = options.batchSize;
  checkPositiveInt('batchSize', bs, 'use 1 for online learning or e.g. 16');
  if (!options.shuffle) {
    for (let s = 0; s < n; s += bs) {
      const e = Math.min(n, s + bs);
      yield { x: set.x.data.subarray(s * xs, e * xs), y: set.y.data.subarray(s * ys, e * ys), n: e - s };
    }
    return;
  }
  const order = seededPermutation(n, (options.seed ?? 0) + epoch);
  const bx = new Float64Array(bs * xs);
  const by = new Float64Array(bs * ys);
  for (let s = 0; s < n; s += bs) {
    const e = Math.min(n, s + bs);
    for (let k = s; k < e; k++) {
      const i = order[k];
      bx.set(set.x.data.subarray(i * xs, (i + 1) * xs), (k - s) * xs);
      by.set(set.y.data.subarray(i * ys, (i + 1) * ys), (k - s) * ys);
    }
    yield { x: bx.subarray(0, (e - s) * xs), y: by.subarray(0, (e - s) * ys), n: e - s };
  }
}
