/** Descriptive statistics and correlograms (pandas / statsmodels conventions). */
import { checkNumber } from '../core/checks';

export interface Description {
  count: number;
  mean: number;
  std: number;
  min: number;
  '25%': number;
  '50%': number;
  '75%': number;
  max: number;
}

function finiteValues(name: string, values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out.push(values[i]);
  if (out.length === 0) throw new Error(`${name}: no finite values to describe.`);
  return out;
}

/** pandas' linear-interpolation quantile of sorted values. */
export function quantileSorted(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** pandas' `Series.describe()`: count, mean, std (ddof 1), min, quartiles, max; NaN ignored. */
export function describeSeries(values: ArrayLike<number>): Description {
  const v = finiteValues('describeSeries', values);
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  const sorted = [...v].sort((a, b) => a - b);
  return {
    count: n,
    mean,
    std,
    min: sorted[0],
    '25%': quantileSorted(sorted, 0.25),
    '50%': quantileSorted(sorted, 0.5),
    '75%': quantileSorted(sorted, 0.75),
    max: sorted[n - 1],
  };
}

/** `describeSeries` for several columns. */
export function describeColumns(columns: Record<string, ArrayLike<number>>): Record<string, Description> {
  const out: Record<string, Description> = {};
  for (const [k, v] of Object.entries(columns)) out[k] = describeSeries(v);
  return out;
}

/** Missing (NaN, ±Inf, null) values per column. */
export function missingCounts(columns: Record<string, ArrayLike<number | null>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(columns)) {
    let c = 0;
    for (let i = 0; i < v.length; i++) if (v[i] === null || !Number.isFinite(v[i] as number)) c++;
    out[k] = c;
  }
  return out;
}

function checkSeries(name: string, x: ArrayLike<number>, nlags: number): void {
  checkNumber('nlags', nlags, 'give the number of lags, e.g. 30');
  if (!Number.isInteger(nlags) || nlags <= 0) throw new Error(`nlags: ${nlags} must be a positive integer, e.g. 30.`);
  if (x.length <= nlags) throw new Error(`${name}: ${x.length} values are too few for ${nlags} lags; use fewer lags.`);
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]))
      throw new Error(`${name}: value at index ${i} is ${x[i]}; fill or drop missing values first.`);
  let constant = true;
  for (let i = 1; i < x.length && constant; i++) constant = x[i] === x[0];
  if (constant) {
    throw new Error(
      `${name}: the series is constant (every value is ${x[0]}), so its autocorrelation is undefined (0/0): ` +
        'it has no variance; check that the right column (or range of rows) was passed.',
    );
  }
}

/** Sample autocovariances r[0..nlags] of the demeaned series, divided by n (or n−k when `adjusted`). */
export function autocovariance(x: ArrayLike<number>, nlags: number, adjusted = false): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = x[i] - mean;
  const r = new Float64Array(nlags + 1);
  for (let k = 0; k <= nlags; k++) {
    let s = 0;
    for (let i = 0; i + k < n; i++) s += d[i] * d[i + k];
    r[k] = s / (adjusted ? n - k : n);
  }
  return r;
}

export interface Correlogram {
  /** Values at lags 0…nlags (lag 0 = 1). */
  values: Float64Array;
  /** Half-width of the 95 % band around 0 at each lag (what plot_acf / plot_pacf shade). */
  band: Float64Array;
  /** statsmodels' confint: values ± band. */
  lower: Float64Array;
  upper: Float64Array;
}

const Z95 = 1.959963984540054;

/**
 * Autocorrelation as statsmodels `acf(x, nlags, alpha=0.05)` (adjusted=False): values, and
 * Bartlett's 95 % band: var[1] = 1/n, var[k] = (1 + 2·Σ_{j<k} acf[j]²)/n.
 */
export function acf(x: ArrayLike<number>, nlags: number): Correlogram {
  checkSeries('acf', x, nlags);
  const n = x.length;
  const r = autocovariance(x, nlags);
  const values = r.map((v) => v / r[0]);
  const band = new Float64Array(nlags + 1);
  let cum = 0;
  for (let k = 1; k <= nlags; k++) {
    if (k >= 2) cum += values[k - 1] ** 2;
    band[k] = Z95 * Math.sqrt((1 + 2 * cum) / n);
  }
  return { values, band, lower: values.map((v, k) => v - band[k]), upper: values.map((v, k) => v + band[k]) };
}

/**
 * Partial autocorrelation by Yule–Walker as statsmodels `pacf(x, nlags, method, alpha=0.05)`:
 * `ywadjusted` (autocovariances divided by n−k; the default of statsmodels' pacf and
 * plot_pacf in 0.13) or `ywm` (divided by n). Band: ±1.96/√n.
 */
export function pacf(x: ArrayLike<number>, nlags: number, method: 'ywadjusted' | 'ywm' = 'ywadjusted'): Correlogram {
  checkSeries('pacf', x, nlags);
  // statsmodels 0.13: nlags must be < n // 2 (the Yule–Walker estimates beyond are meaningless: |values| > 1)
  if (nlags >= Math.floor(x.length / 2)) {
    throw new Error(
      `pacf: nlags = ${nlags} needs at least ${2 * (nlags + 1)} values (lags below half the series, as statsmodels); ` +
        `the series has ${x.length}: use nlags ≤ ${Math.floor(x.length / 2) - 1}.`,
    );
  }
  if (method !== 'ywadjusted' && method !== 'ywm')
    throw new Error(`method: "${method}" is not supported; use "ywadjusted" or "ywm".`);
  const r = autocovariance(x, nlags, method === 'ywadjusted');
  const values = new Float64Array(nlags + 1);
  values[0] = 1;
  // Durbin–Levinson: the last coefficient of the order-k Yule–Walker solution.
  let phi = new Float64Array(0);
  let v = r[0];
  for (let k = 1; k <= nlags; k++) {
    let num = r[k];
    for (let j = 0; j < k - 1; j++) num -= phi[j] * r[k - 1 - j];
    const kk = num / v;
    const next = new Float64Array(k);
    for (let j = 0; j < k - 1; j++) next[j] = phi[j] - kk * phi[k - 2 - j];
    next[k - 1] = kk;
    phi = next;
    v *= 1 - kk * kk;
    values[k] = kk;
  }
  const half = Z95 / Math.sqrt(x.length);
  const band = new Float64Array(nlags + 1).fill(half);
  band[0] = 0;
  return { values, band, lower: values.map((v2, k) => v2 - band[k]), upper: values.map((v2, k) => v2 + band[k]) };
}
