/**
 * The activation registry: every activation the library knows, in one place. Its names are
 * the ones tfjs and Keras use in layer configurations, so the builders hand them to tfjs as
 * they are and tfjs computes them with its own kernels; the fast engine and the Jordan cell's
 * from-scratch code compute them with the formulas written here.
 *
 * Each entry gives the function, its derivative written through the function's output
 * (y = f(x), which is what backpropagation keeps), and both as loops over a slice of an array:
 * one lookup per vector instead of one per value.
 */

/** Names accepted wherever an activation is asked for (builders, Jordan cell, engine). */
export type ActivationName = 'tanh' | 'sigmoid' | 'hardSigmoid' | 'relu' | 'linear';

/** The arrays the loops work on: the engine's float32 or float64 buffers. */
export type FloatArray = Float32Array | Float64Array;

/** One activation: f, f′ through y = f(x), and their loops over array slices. */
export interface Activation {
  readonly name: ActivationName;
  /** f(x). */
  value(x: number): number;
  /** f′(x) written through y = f(x). */
  slope(y: number): number;
  /** dst[dOff + k] = f(src[sOff + k]) for k < n (src and dst may be the same array). */
  valueInto(src: FloatArray, sOff: number, dst: FloatArray, dOff: number, n: number): void;
  /** dst[dOff + k] = f′ through y[yOff + k], for k < n. */
  slopeInto(y: FloatArray, yOff: number, dst: FloatArray, dOff: number, n: number): void;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** Keras' hard sigmoid: 0.2·x + 0.5 clipped to [0, 1]. */
const hardSigmoid = (x: number): number => (x <= -2.5 ? 0 : x >= 2.5 ? 1 : 0.2 * x + 0.5);

// The loops below repeat each entry's formula instead of calling value()/slope(): a call per
// value would go through a shared, polymorphic call site.
export const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = {
  tanh: {
    name: 'tanh',
    value: (x) => Math.tanh(x),
    slope: (y) => 1 - y * y,
    valueInto(src, sOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) dst[dOff + k] = Math.tanh(src[sOff + k]);
    },
    slopeInto(y, yOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) {
        const v = y[yOff + k];
        dst[dOff + k] = 1 - v * v;
      }
    },
  },
  sigmoid: {
    name: 'sigmoid',
    value: sigmoid,
    slope: (y) => y * (1 - y),
    valueInto(src, sOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) dst[dOff + k] = 1 / (1 + Math.exp(-src[sOff + k]));
    },
    slopeInto(y, yOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) {
        const v = y[yOff + k];
        dst[dOff + k] = v * (1 - v);
      }
    },
  },
  hardSigmoid: {
    name: 'hardSigmoid',
    value: hardSigmoid,
    slope: (y) => (y > 0 && y < 1 ? 0.2 : 0),
    valueInto(src, sOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) {
        const x = src[sOff + k];
        dst[dOff + k] = x <= -2.5 ? 0 : x >= 2.5 ? 1 : 0.2 * x + 0.5;
      }
    },
    slopeInto(y, yOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) {
        const v = y[yOff + k];
        dst[dOff + k] = v > 0 && v < 1 ? 0.2 : 0;
      }
    },
  },
  relu: {
    name: 'relu',
    // biome-ignore lint/complexity/useMathMinMax: the ternary maps NaN to 0 (Math.max gives NaN), as it always has
    value: (x) => (x > 0 ? x : 0),
    slope: (y) => (y > 0 ? 1 : 0),
    valueInto(src, sOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) {
        const x = src[sOff + k];
        // biome-ignore lint/complexity/useMathMinMax: as value() above
        dst[dOff + k] = x > 0 ? x : 0;
      }
    },
    slopeInto(y, yOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) dst[dOff + k] = y[yOff + k] > 0 ? 1 : 0;
    },
  },
  linear: {
    name: 'linear',
    value: (x) => x,
    slope: () => 1,
    valueInto(src, sOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) dst[dOff + k] = src[sOff + k];
    },
    slopeInto(_y, _yOff, dst, dOff, n) {
      for (let k = 0; k < n; k++) dst[dOff + k] = 1;
    },
  },
};

/** The registry's names, in a fixed order (for messages). */
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

/** True when `value` is one of the registry's names. */
export function isActivationName(value: unknown): value is ActivationName {
  return typeof value === 'string' && Object.hasOwn(ACTIVATIONS, value);
}

/**
 * The registry name for a name as tfjs or Keras may write it in a layer configuration:
 * `hardSigmoid`, `hard_sigmoid`, or a serialised class name such as `Tanh`; undefined when
 * the registry does not have it.
 */
export function activationNamed(raw: string): ActivationName | undefined {
  const camel = raw.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  const name = camel.charAt(0).toLowerCase() + camel.slice(1);
  return isActivationName(name) ? name : undefined;
}

/** Throws a message naming the option, its value and the accepted names unless `value` is one. */
export function checkActivationName(what: string, value: unknown): asserts value is ActivationName {
  if (!isActivationName(value)) {
    throw new Error(`${what} = ${JSON.stringify(value)} is not supported; use one of ${ACTIVATION_NAMES.join(', ')}.`);
  }
}
