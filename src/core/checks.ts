/**
 * Generic argument checks shared by every folder (series, metrics, …): messages that name the
 * argument, the value (a string shown as a string), where a bad value is, and the fix.
 */

/** A value as a message shows it: numbers as written, strings quoted, other kinds named. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || value === undefined || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value) && value.length <= 8) return `[${value.map(describeValue).join(', ')}]`;
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor.name} of ${(value as unknown as ArrayLike<number>).length}`;
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** What kind of value it is, for "is a string, not a number". */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Throws unless `value` is a number (NaN passes: the caller's range check names it); for a numeric
 * string the fix is "write 3 without quotes".
 */
export function checkNumber(name: string, value: unknown, fix: string): asserts value is number {
  if (typeof value === 'number') return;
  if (value === undefined) throw new Error(`${name} is missing; ${fix}.`);
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const how = Number.isFinite(n) ? `write ${n} without quotes` : fix;
  throw new Error(`${name}: ${describeValue(value)} is ${kindOf(value)}, not a number; ${how}.`);
}

export function checkPositiveInt(name: string, value: unknown, fix: string): asserts value is number {
  checkNumber(name, value, fix);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}: ${value} is not a positive integer; ${fix}.`);
}

/** Throws unless `value` is an integer in [0, n): `what` names the index ("a feature index"). */
export function checkIndex(
  name: string,
  value: unknown,
  n: number,
  what: string,
  fix: string,
): asserts value is number {
  checkNumber(name, value, fix);
  if (!Number.isInteger(value) || value < 0 || value >= n) {
    throw new Error(`${name}: ${value} is not ${what} in [0, ${n}); ${fix}.`);
  }
}

/** The first index of a NaN/±Inf in `values` (from `from`), or -1: one pass, no allocation. */
export function firstNonFinite(values: ArrayLike<number>, from = 0, to = values.length): number {
  for (let i = from; i < to; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/**
 * Throws at the first NaN/±Inf of `values`, naming where it is: `at(i)` says it in the data's
 * own terms ("row 4, feature 1"; default "value at index i"), `fix` what to do.
 */
export function checkFinite(
  name: string,
  values: ArrayLike<number>,
  fix = 'remove or fill missing values (NaN/Inf) first',
  at: (i: number) => string = (i) => `value at index ${i}`,
): void {
  const i = firstNonFinite(values);
  if (i >= 0) throw new Error(`${name}: ${at(i)} is ${values[i]}; ${fix}.`);
}

/** Throws unless `value` is `[low, high]` of finite numbers with low < high. */
export function checkInterval(name: string, value: unknown, example: string): asserts value is [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new Error(`${name}: ${describeValue(value)} must be [low, high] with low < high, e.g. ${example}.`);
  }
  value.forEach((v, i) => checkNumber(`${name}[${i}]`, v, `give two numbers, e.g. ${example}`));
  if (!Number.isFinite(value[0]) || !Number.isFinite(value[1]) || !(value[1] > value[0])) {
    throw new Error(`${name}: ${describeValue(value)} must be [low, high] with low < high, e.g. ${example}.`);
  }
}

export function checkSameLength(aName: string, a: ArrayLike<unknown>, bName: string, b: ArrayLike<unknown>): void {
  if (a.length !== b.length)
    throw new Error(`${aName} has ${a.length} values but ${bName} has ${b.length}; pass arrays of the same length.`);
}

const normalKey = (k: string) => k.toLowerCase().replace(/[_\-\s]/g, '');

/** Edit distance of two short strings (for "did you mean"). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/**
 * Throws on an option `where` does not know (a typo such as `sampling_rate` or `feature` for
 * `features` would otherwise be ignored and its default used silently), suggesting the known
 * name it resembles.
 */
export function checkOptionKeys(where: string, options: unknown, known: readonly string[]): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${where}: options ${describeValue(options)} must be an object { ${known.join(', ')} }.`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => normalKey(k) === normalKey(key)) ?? known.find((k) => editDistance(k, key) <= 2);
    const hint = near ? `did you mean "${near}"?` : `the options are ${known.join(', ')}`;
    throw new Error(`${where}: unknown option "${key}"; ${hint}`);
  }
}
