/**
 * The engine's floating-point precision, chosen by the environment variable
 * RNN_ENGINE_PRECISION: "float32" (the default, as tfjs, PyTorch and Keras: f32x4 kernels and
 * Float32Array heaps) or "float64" (f64x2 kernels and Float64Array heaps: the
 * finite-difference tests, or a check that a result is not a rounding artefact). Read once,
 * at the first call; a value other than the allowed words is an error naming it. A network
 * can also be built in a given precision (`new Network(spec, "float64")`).
 */
export type EnginePrecision = 'float32' | 'float64';

/** The words RNN_ENGINE_PRECISION accepts. */
export const ENGINE_PRECISIONS: readonly EnginePrecision[] = ['float32', 'float64'];

/** The precision the engine runs in when RNN_ENGINE_PRECISION is unset. */
export const DEFAULT_ENGINE_PRECISION: EnginePrecision = 'float32';

/** Parses a value of RNN_ENGINE_PRECISION (undefined or empty: the default). */
export function parseEnginePrecision(value: string | undefined): EnginePrecision {
  if (value === undefined || value === '') return DEFAULT_ENGINE_PRECISION;
  const word = value.trim().toLowerCase();
  if ((ENGINE_PRECISIONS as readonly string[]).includes(word)) return word as EnginePrecision;
  throw new Error(
    `RNN_ENGINE_PRECISION=${JSON.stringify(value)} is not a precision of the engine; ` +
      `set it to one of ${ENGINE_PRECISIONS.map((p) => `"${p}"`).join(', ')} or leave it unset ` +
      `(${DEFAULT_ENGINE_PRECISION}).`,
  );
}

let chosen: EnginePrecision | undefined;

/** The engine's precision, from RNN_ENGINE_PRECISION read at the first call. */
export function enginePrecision(): EnginePrecision {
  chosen ??= parseEnginePrecision(process.env.RNN_ENGINE_PRECISION);
  return chosen;
}

/** Bytes of one value in the given precision. */
export function bytesPerValue(precision: EnginePrecision): 4 | 8 {
  return precision === 'float32' ? 4 : 8;
}
