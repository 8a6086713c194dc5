/**
 * Does window data fit a model? The one check used by `train()`, the fast engine and the
 * predictions: the caller reads the model's shape (steps, features, targets per window) and
 * names the argument; the messages name the argument, the shapes and the fix. Materialised
 * windows are also checked for NaN/±Inf here, once per call (train() checks data and
 * validationData once, not per batch); a lazy source checks its series when it is built.
 */
import type { Array3D, TrainData, WindowShape } from '../core/types';
import { firstNonFinite } from '../core/checks';
import { isWindowBatches } from './windows';

const FILL_WINDOWS = 'fill or drop missing values before building the windows (e.g. interpolate the series)';

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Throws unless `x` holds windows `[n, steps, features]` of `expected` with as many values as its
 * shape says, all finite (`valuesName` names them in the NaN message, default `name`).
 */
export function checkWindowInputs(name: string, x: Array3D, expected: WindowShape, valuesName = name): void {
  if (!x || !Array.isArray(x.shape) || !x.data) {
    throw new Error(`${name}: expected windows {data, shape: [n, steps, features]}; build them with lagWindows.`);
  }
  if (x.shape.length !== 3 || x.shape[1] !== expected.steps || x.shape[2] !== expected.features) {
    throw new Error(
      `${name}: windows of shape [${x.shape.join(', ')}] do not fit the model's input [batch, ${expected.steps}, ${expected.features}]; ` +
        `build the windows with ${expected.steps} steps and ${expected.features} feature(s) or rebuild the model.`,
    );
  }
  if (x.data.length !== product(x.shape)) {
    throw new Error(
      `${name}: the shape [${x.shape.join(', ')}] needs ${product(x.shape)} values but the data has ${x.data.length}; ` +
        'slice windows with sliceWindows, which keeps data and shape together.',
    );
  }
  const at = firstNonFinite(x.data);
  if (at >= 0) {
    const [, steps, features] = x.shape;
    const w = Math.floor(at / (steps * features));
    const where = `window ${w}, step ${Math.floor(at / features) % steps}, feature ${at % features}`;
    throw new Error(`${valuesName}: ${where} is ${x.data[at]}; ${FILL_WINDOWS}.`);
  }
}

/** Throws unless `data` (windows with targets, or a lazy batch source) fits `expected`. */
export function checkTrainData(name: string, data: TrainData, expected: WindowShape): void {
  if (data === null || typeof data !== 'object') {
    throw new Error(
      `${name}: ${String(data)} is not training data; pass windows {x, y} (lagWindows) or a batch source (timeseriesDatasetFromArray).`,
    );
  }
  if (isWindowBatches(data)) {
    if (data.sequenceLength !== expected.steps || data.features !== expected.features) {
      throw new Error(
        `${name}: batches of [${data.sequenceLength} steps, ${data.features} features] do not fit the model's input ` +
          `[batch, ${expected.steps}, ${expected.features}]; rebuild the model or the source.`,
      );
    }
    if (data.outputs !== expected.outputs) {
      throw new Error(
        `${name}: the source has ${data.outputs} target(s) per window but the model gives ${expected.outputs}; rebuild the model with outputUnits: ${data.outputs}.`,
      );
    }
    return;
  }
  const { x, y } = data;
  if (!x || !y || !Array.isArray(x.shape) || x.shape.length !== 3) {
    throw new Error(
      `${name}: expected windows {x: [n, steps, features], y}, got ${JSON.stringify(Object.keys(data))}; build them with lagWindows.`,
    );
  }
  checkWindowInputs(name, x, expected, `${name}.x`);
  const n = x.shape[0];
  if (n === 0)
    throw new Error(`${name}: there are no windows; the series is shorter than the window length ${expected.steps}.`);
  if (y.data.length !== n * expected.outputs) {
    throw new Error(
      `${name}: ${y.data.length} targets for ${n} windows, but the model gives ${expected.outputs} output(s) per window; ` +
        'rebuild the model (outputUnits, returnSequences) or the targets.',
    );
  }
  if (y.data.length !== product(y.shape)) {
    throw new Error(
      `${name}.y: the shape [${y.shape.join(', ')}] needs ${product(y.shape)} values but the data has ${y.data.length}; slice windows with sliceWindows.`,
    );
  }
  const bad = firstNonFinite(y.data);
  if (bad >= 0) {
    const per = expected.outputs;
    const which = per === 1 ? '' : ` (value ${bad % per} of ${per})`;
    const where = `the target of window ${Math.floor(bad / per)}${which}`;
    throw new Error(`${name}.y: ${where} is ${y.data[bad]}; ${FILL_WINDOWS}.`);
  }
}
