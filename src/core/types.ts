/**
 * Shared data contracts of the library. Every folder (series, models, engine, train,
 * metrics, plot) speaks these types, so they live in one place.
 */

/** A dense row-major 2-D array: `data[i * shape[1] + j]`. */
export interface Array2D {
  data: Float64Array;
  shape: [number, number];
}

/** A dense row-major 3-D array `[samples, steps, features]`: `data[(i * steps + t) * features + f]`. */
export interface Array3D {
  data: Float64Array;
  shape: [number, number, number];
}

/**
 * Supervised windows ready for a model: inputs `[samples, steps, features]` and targets
 * `[samples, outputs]` (many-to-one) or `[samples, steps, outputs]` (many-to-many,
 * `returnSequences`).
 */
export interface WindowSet {
  x: Array3D;
  y: Array2D | Array3D;
}

/**
 * Windows served batch by batch from indices into the original arrays, never all
 * materialised (Jena: 209,511 windows × 120 steps × 14 features would be 2.8 GB).
 * Produced by `timeseriesDatasetFromArray`; accepted by `train()` and the engine.
 */
export interface WindowBatches {
  readonly numWindows: number;
  readonly numBatches: number;
  readonly batchSize: number;
  /** Steps per window. */
  readonly sequenceLength: number;
  readonly features: number;
  /** Target values per window. */
  readonly outputs: number;
  /**
   * Batch `index` (0-based) of epoch `epoch` (default 0): x `[n, sequenceLength, features]`,
   * y `[n, outputs]`; n = batchSize except possibly for the last batch. When the source
   * shuffles, the order depends on `epoch` (seeded), so every epoch sees a new order.
   */
  batch(index: number, epoch?: number, into?: BatchBuffers): WindowSet & { y: Array2D };
}

/**
 * Buffers a lazy source may fill instead of allocating new arrays for every batch (the fast
 * engine passes one pair per epoch). The batch is then views of them, valid until they are
 * filled again.
 */
export interface BatchBuffers {
  x: Float64Array;
  y: Float64Array;
}

/** Training or validation data: materialised windows or a lazy batch source. */
export type TrainData = WindowSet | WindowBatches;

/** One batch of flat windows: `n` samples of x and their targets (see `epochBatches`). */
export interface FlatBatch {
  x: Float64Array;
  y: Float64Array;
  n: number;
}

/** Running sums of squared and absolute errors (for the `mse` and `mae` metrics). */
export interface ErrorSums {
  mse: number;
  mae: number;
}

/** What windows must look like to fit a model: steps and features per window, targets per window. */
export interface WindowShape {
  steps: number;
  features: number;
  /** Target values per window (output steps × outputs). */
  outputs: number;
}

/** Which feature's scale maps the values: `{ feature: k }` maps every value with feature k's. */
export interface ScaleOptions {
  feature?: number;
}

/**
 * Anything with `inverseTransform` (the scalers of src/series): undoes a normalisation. A scaler
 * of several features maps rows of `features` values, or every value with one feature's scale
 * when given `{ feature: k }`; one without `features` is taken to map every value alike.
 */
export interface InverseScaler {
  /** Values per row the scaler was fitted on (absent: one). */
  readonly features?: number;
  inverseTransform(values: Float64Array, options?: ScaleOptions): Float64Array;
}

export type OptimizerName = 'adam' | 'adadelta' | 'sgd' | 'rmsprop';
export type LossName = 'mse' | 'mae';
export type EngineChoice = 'auto' | 'fast' | 'tfjs';

/** Options of `train()` (and of the fast engine, which accepts the same object). */
export interface TrainOptions {
  epochs: number;
  /** Samples per gradient step; 1 = online learning. */
  batchSize: number;
  optimizer?: OptimizerName;
  /** Defaults as tfjs: adam 0.001, adadelta 0.001 (Keras: 1.0 in old versions), sgd 0.01, rmsprop 0.001. */
  learningRate?: number;
  /** SGD momentum (0 = plain SGD). */
  momentum?: number;
  loss?: LossName;
  /** Extra metrics reported per epoch (the loss is always reported). */
  metrics?: LossName[];
  validationData?: TrainData;
  /** Shuffle the training windows every epoch (seeded). Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling. Default 0. */
  seed?: number;
  /** L2 penalty coefficient added to the loss for every kernel (`l2 * sum(w^2)`). */
  l2?: number;
  /** Decoupled (AdamW-style) weight decay: `w -= learningRate * weightDecay * w` after each step. */
  weightDecay?: number;
  engine?: EngineChoice;
  /** Live progress display: one updating line in a notebook. Default 'line'. */
  progress?: 'line' | 'none';
  /** Stop with an error when the loss becomes NaN/Inf. Default true. */
  stopOnNaN?: boolean;
  /** Called after every epoch with its logs. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void;
}

/** One epoch's numbers, keys as Keras: `loss`, `val_loss`, `mae`, `val_mae`, ... */
export type EpochLogs = Record<string, number>;

/** What `train()` returns, whichever engine ran. */
export interface TrainHistory {
  /** Per-epoch series, keys as Keras (`loss`, `val_loss`, `mae`, `val_mae`, ...). */
  history: Record<string, number[]>;
  /** Wall-clock seconds of each epoch. */
  secondsPerEpoch: number[];
  totalSeconds: number;
  engine: 'fast' | 'tfjs';
  /**
   * The precision it computed in: tfjs's float32, or the fast engine's (float32 unless
   * RNN_ENGINE_PRECISION=float64).
   */
  precision: 'float32' | 'float64';
  /** Why the tfjs engine was used when 'auto' was asked for. */
  fallbackReason?: string;
  /** The settings this training ran with, defaults filled in (what an autograder checks). */
  settings: TrainSettings;
}

/** What `train()` was asked to do, with the defaults it applied (see {@link TrainHistory}). */
export interface TrainSettings {
  /** The model's name (`model.name`). */
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  loss: LossName;
  shuffle: boolean;
  seed: number;
  l2: number;
  weightDecay: number;
  /** Training windows per epoch, and validation windows (0 without validation data). */
  trainWindows: number;
  validationWindows: number;
}
