/**
 * Scalers with fit / transform / inverseTransform on Float64Array (one feature) or
 * row-major 2-D data with `features` columns (per-feature statistics).
 *
 * Values are whole rows of the fitted features: with `features: 14`, `transform` and
 * `inverseTransform` take 14·k values and map value i with feature i mod 14's scale; any other
 * count is an error (it would mix the scales). To map the values of ONE feature — e.g. the
 * temperature predictions of a model fed Jena's 14 standardised columns — say which:
 * `scaler.inverseTransform(predictions, { feature: 1 })`, `predictWindows(model, w, scaler,
 * { feature: 1 })`.
 */
import type { InverseScaler, ScaleOptions } from '../core/types';
import { checkFinite, checkIndex, checkInterval, checkNumber, checkOptionKeys, checkPositiveInt } from '../core/checks';

/** A normalisation: maps values to the model's range and back, row by row or for one feature. */
export interface Scaler extends InverseScaler {
  /** Values per row: the number of features it was built for. */
  readonly features: number;
  transform(values: Float64Array, options?: ScaleOptions): Float64Array;
  inverseTransform(values: Float64Array, options?: ScaleOptions): Float64Array;
}

/**
 * The feature each value uses: `options.feature` for every value when given, else value i
 * uses i mod features (the count must then be whole rows). Returns -1 for row mode.
 */
function featureFor(where: string, features: number, count: number, options: ScaleOptions | undefined): number {
  checkOptionKeys(where, options, ['feature']);
  if (options?.feature !== undefined) {
    const fix = `the scaler has ${features} feature(s)`;
    checkIndex(`${where}: feature`, options.feature, features, 'a feature index', fix);
    return options.feature;
  }
  if (count % features !== 0) {
    throw new Error(
      `${where}: ${count} values are not rows of the ${features} features the scaler was fitted on; ` +
        `pass ${features}·k values (row-major), or { feature: k } to map every value with feature k's scale.`,
    );
  }
  return features === 1 ? 0 : -1;
}

const FILL = 'fill or drop missing values first (e.g. interpolate); a scaler maps numbers only';
const DIVERGED =
  'if these are predictions, the model diverged (lower the learning rate) or was fed NaN; check its windows';

/** Where value i is, for messages: "row r, feature f" for rows of several features. */
function position(features: number, k: number): (i: number) => string {
  if (features === 1 || k >= 0) return (i) => `value at index ${i}`;
  return (i) => `row ${Math.floor(i / features)}, feature ${i % features}`;
}

/**
 * De-normalises model outputs (predictions or targets, `perStep` values per time step) — the
 * rule of predictWindows and predictBatches: a scaler of one feature maps every value; a
 * scaler of k features maps rows of k outputs, so the model must give k outputs per step;
 * for a model that predicts one of the features, `{ feature: k }` says which scale to use.
 */
export function invertOutputs(
  name: string,
  scaler: InverseScaler,
  values: Float64Array,
  perStep: number,
  options: ScaleOptions = {},
): Float64Array {
  checkOptionKeys(name, options, ['feature']);
  if (options.feature !== undefined) {
    if (scaler.features === undefined) {
      throw new Error(
        `${name}: { feature: ${options.feature} } needs a scaler that knows its features ` +
          '(MinMaxScaler, StandardScaler, FixedRangeScaler); this one only has inverseTransform(values): ' +
          'give a scaler of that feature alone.',
      );
    }
    return scaler.inverseTransform(values, { feature: options.feature });
  }
  const features = scaler.features ?? 1;
  if (features !== 1 && features !== perStep) {
    throw new Error(
      `${name}: the scaler was fitted on ${features} features but the model gives ${perStep} output(s) per step; ` +
        `its outputs are not rows of ${features} values. Pass { feature: k } to map them with feature k's scale ` +
        '(the column the targets came from), or a scaler fitted on the targets alone.',
    );
  }
  return scaler.inverseTransform(values);
}

abstract class AffineScaler implements Scaler {
  protected scale?: Float64Array;
  protected offset?: Float64Array; // scaled = value * scale + offset
  readonly features: number;
  constructor(features: unknown) {
    checkPositiveInt('features', features, 'give the number of columns per row, e.g. 14 for Jena');
    this.features = features;
  }

  protected abstract compute(values: Float64Array): void;

  /** Learns the statistics from the training part only. Returns this. */
  fit(values: Float64Array): this {
    if (values.length === 0)
      throw new Error(`${this.constructor.name}.fit: values is empty; pass the training part of the series.`);
    if (values.length % this.features !== 0) {
      throw new Error(
        `${this.constructor.name}.fit: ${values.length} values are not rows of features = ${this.features}; ` +
          'pass the rows row-major (row 0 feature 0, row 0 feature 1, …) or set features.',
      );
    }
    checkFinite(`${this.constructor.name}.fit`, values, FILL, position(this.features, -1));
    this.compute(values);
    return this;
  }

  protected ready(method: string): [Float64Array, Float64Array] {
    if (!this.scale || !this.offset)
      throw new Error(`${this.constructor.name}.${method}: call fit(trainingValues) first.`);
    return [this.scale, this.offset];
  }

  /** Scaled values: rows of `features` values, or every value with feature k's scale (`{ feature: k }`). */
  transform(values: Float64Array, options?: ScaleOptions): Float64Array {
    const [s, o] = this.ready('transform');
    const where = `${this.constructor.name}.transform`;
    const k = featureFor(where, this.features, values.length, options);
    checkFinite(where, values, FILL, position(this.features, k));
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const f = k < 0 ? i % this.features : k;
      out[i] = values[i] * s[f] + o[f];
    }
    return out;
  }

  /** Original units: rows of `features` values, or every value with feature k's scale (`{ feature: k }`). */
  inverseTransform(values: Float64Array, options?: ScaleOptions): Float64Array {
    const [s, o] = this.ready('inverseTransform');
    const where = `${this.constructor.name}.inverseTransform`;
    const k = featureFor(where, this.features, values.length, options);
    checkFinite(where, values, DIVERGED, position(this.features, k));
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const f = k < 0 ? i % this.features : k;
      out[i] = (values[i] - o[f]) / s[f];
    }
    return out;
  }

  fitTransform(values: Float64Array): Float64Array {
    return this.fit(values).transform(values);
  }
}

/**
 * Per-feature statistics of row-major `values`: `fn` gets the column as a strided view and
 * returns two numbers. Loops only: no column is ever spread into a call (Math.min(...column)
 * overflows the stack past ~120,000 values; Jena's training split has 210,225 rows).
 */
function columnStats(
  values: Float64Array,
  features: number,
  fn: (at: (i: number) => number, n: number) => [number, number],
): [Float64Array, Float64Array] {
  const a = new Float64Array(features);
  const b = new Float64Array(features);
  const n = values.length / features;
  for (let f = 0; f < features; f++) [a[f], b[f]] = fn((i) => values[i * features + f], n);
  return [a, b];
}

/** sklearn's MinMaxScaler: (x − min) / (max − min) mapped to `featureRange` (default [0, 1]). */
export class MinMaxScaler extends AffineScaler {
  readonly featureRange: [number, number];
  dataMin?: Float64Array;
  dataMax?: Float64Array;
  constructor(options: { featureRange?: [number, number]; features?: number } = {}) {
    checkOptionKeys('MinMaxScaler', options, ['featureRange', 'features']);
    super(options.features ?? 1);
    const range: unknown = options.featureRange ?? [0, 1];
    checkInterval('featureRange', range, '[0, 1]');
    this.featureRange = [range[0], range[1]];
  }
  protected compute(values: Float64Array): void {
    const [mins, maxs] = columnStats(values, this.features, (at, n) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = at(i);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      return [lo, hi];
    });
    this.dataMin = mins;
    this.dataMax = maxs;
    const [lo, hi] = this.featureRange;
    this.scale = new Float64Array(this.features);
    this.offset = new Float64Array(this.features);
    for (let f = 0; f < this.features; f++) {
      const range = maxs[f] - mins[f] || 1;
      this.scale[f] = (hi - lo) / range;
      this.offset[f] = lo - mins[f] * this.scale[f];
    }
  }
}

/** sklearn's StandardScaler: (x − mean) / std with the population std (ddof 0), fitted on training data. */
export class StandardScaler extends AffineScaler {
  mean?: Float64Array;
  std?: Float64Array;
  constructor(options: { features?: number } = {}) {
    checkOptionKeys('StandardScaler', options, ['features']);
    super(options.features ?? 1);
  }
  protected compute(values: Float64Array): void {
    const [means, stds] = columnStats(values, this.features, (at, n) => {
      let m = 0;
      for (let i = 0; i < n; i++) m += at(i);
      m /= n;
      let s = 0;
      for (let i = 0; i < n; i++) s += (at(i) - m) * (at(i) - m);
      return [m, Math.sqrt(s / n)];
    });
    this.mean = means;
    this.std = stds;
    this.scale = stds.map((s) => 1 / (s || 1));
    this.offset = means.map((m, f) => -m * this.scale![f]);
  }
}

/**
 * A fixed range mapped linearly onto `featureRange` — documento 000: 0 € … 15 € → [−1, 1] for
 * tanh. No statistics are learnt (`fit` is not needed). Values outside [min, max] are
 * not clipped: `transform` reports them (warning + `outOfRange`).
 */
export class FixedRangeScaler implements Scaler {
  /** One feature (the range is one range). */
  readonly features = 1;
  readonly min: number;
  readonly max: number;
  readonly featureRange: [number, number];
  /** Values found outside [min, max] by the last `transform`. */
  outOfRange: { count: number; lowest: number; highest: number } = { count: 0, lowest: NaN, highest: NaN };
  constructor(options: { min: number; max: number; featureRange?: [number, number] }) {
    checkOptionKeys('FixedRangeScaler', options, ['min', 'max', 'featureRange']);
    const { min, max } = options ?? ({} as { min: number; max: number });
    checkNumber('min', min, 'give the lowest value of the range, e.g. { min: 0, max: 15 }');
    checkNumber('max', max, 'give the highest value of the range, e.g. { min: 0, max: 15 }');
    if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) {
      throw new Error(
        `FixedRangeScaler: max (${max}) must be greater than min (${min}), both finite, e.g. { min: 0, max: 15 }.`,
      );
    }
    this.min = min;
    this.max = max;
    const range: unknown = options.featureRange ?? [-1, 1];
    checkInterval('featureRange', range, '[-1, 1]');
    this.featureRange = [range[0], range[1]];
  }
  transform(values: Float64Array, options?: ScaleOptions): Float64Array {
    featureFor('FixedRangeScaler.transform', 1, values.length, options);
    checkFinite('FixedRangeScaler.transform', values, FILL);
    const [lo, hi] = this.featureRange;
    const k = (hi - lo) / (this.max - this.min);
    const out = new Float64Array(values.length);
    let count = 0;
    let lowest = Infinity;
    let highest = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < this.min || v > this.max) {
        count++;
        lowest = Math.min(lowest, v);
        highest = Math.max(highest, v);
      }
      out[i] = lo + (v - this.min) * k;
    }
    this.outOfRange = { count, lowest: count ? lowest : NaN, highest: count ? highest : NaN };
    if (count)
      console.warn(
        `FixedRangeScaler: ${count} value(s) outside [${this.min}, ${this.max}] (from ${lowest} to ${highest}); they map outside [${lo}, ${hi}] and were not clipped.`,
      );
    return out;
  }
  inverseTransform(values: Float64Array, options?: ScaleOptions): Float64Array {
    featureFor('FixedRangeScaler.inverseTransform', 1, values.length, options);
    checkFinite('FixedRangeScaler.inverseTransform', values, DIVERGED);
    const [lo, hi] = this.featureRange;
    const k = (this.max - this.min) / (hi - lo);
    return values.map((v) => this.min + (v - lo) * k);
  }
}
