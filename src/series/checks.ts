/** Shared argument checks with messages that name the argument, the value and the fix. */
export function checkPositiveInt(name: string, value: number, fix: string): void {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}: ${value} is not a positive integer; ${fix}.`);
}

export function checkFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`${name}: value at index ${i} is ${values[i]}; remove or fill missing values (NaN/Inf) first.`);
    }
  }
}

export function checkSameLength(aName: string, a: ArrayLike<unknown>, bName: string, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) throw new Error(`${aName} has ${a.length} values but ${bName} has ${b.length}; pass arrays of the same length.`);
}
