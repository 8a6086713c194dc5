import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, initBackend, lagWindows, predictWindows, train } from '../../src';
import { engineGradients } from '../../src/train/fast';
import { checkTrainData, checkWindowInputs } from '../../src/series/shapes';

beforeAll(async () => {
  await initBackend('cpu');
});

const shape = { steps: 5, features: 1, outputs: 1 };
const windows = lagWindows(
  Float64Array.from({ length: 60 }, (_, i) => Math.sin(i / 3)),
  5,
);

describe('the one window/shape check (train, the fast engine, predictions)', () => {
  it('accepts windows that fit', () => {
    expect(() => checkTrainData('data', windows, shape)).not.toThrow();
    expect(() => checkWindowInputs('x', windows.x, shape)).not.toThrow();
  });

  it('rejects windows whose data is shorter than their shape, naming both sizes', () => {
    const short = { x: { data: windows.x.data.slice(50), shape: windows.x.shape }, y: windows.y };
    expect(() => checkTrainData('data', short, shape)).toThrow(
      /data: the shape \[55, 5, 1\] needs 275 values but the data has 225; slice windows with sliceWindows/,
    );
    const y = { x: windows.x, y: { data: windows.y.data, shape: [54, 1] as [number, number] } };
    expect(() => checkTrainData('data', y, shape)).toThrow(
      /data\.y: the shape \[54, 1\] needs 54 values but the data has 55/,
    );
  });

  it('names the window, step and feature of a NaN/Inf in inputs or targets (checked once per call)', () => {
    const x = Float64Array.from(windows.x.data);
    x[2 * 5 + 3] = Number.NaN;
    const nanX = { x: { data: x, shape: windows.x.shape }, y: windows.y };
    expect(() => checkTrainData('validationData', nanX, shape)).toThrow(
      /validationData\.x: window 2, step 3, feature 0 is NaN; fill or drop missing values before building the windows/,
    );
    const y = Float64Array.from(windows.y.data);
    y[7] = Number.NEGATIVE_INFINITY;
    const nanY = { x: windows.x, y: { data: y, shape: [55, 1] as [number, number] } };
    expect(() => checkTrainData('data', nanY, shape)).toThrow(/data\.y: the target of window 7 is -Infinity/);
    expect(() => checkWindowInputs('predictWindows', nanX.x, shape)).toThrow(
      /predictWindows: window 2, step 3, feature 0 is NaN/,
    );
  });

  it('is what train(), predictWindows and the engine use', async () => {
    const m = buildModel('elman', { steps: 5, features: 1, units: [3], seed: 1 });
    const short = { x: { data: windows.x.data.slice(50), shape: windows.x.shape }, y: windows.y };
    for (const engine of ['fast', 'tfjs'] as const) {
      await expect(train(m, short, { epochs: 1, batchSize: 4, engine, progress: 'none' })).rejects.toThrow(
        /needs 275 values but the data has 225/,
      );
    }
    expect(() => predictWindows(m, { data: new Float64Array(10), shape: [3, 5, 1] })).toThrow(
      /predictWindows: the shape \[3, 5, 1\] needs 15 values but the data has 10/,
    );
    expect(() => engineGradients(m, short)).toThrow(/needs 275 values/);
    const wide = {
      x: { data: new Float64Array(3 * 5 * 2), shape: [3, 5, 2] as [number, number, number] },
      y: windows.y,
    };
    await expect(train(m, wide, { epochs: 1, batchSize: 1, progress: 'none' })).rejects.toThrow(
      /data: windows of shape \[3, 5, 2\] do not fit the model's input \[batch, 5, 1\]/,
    );
    const x = Float64Array.from(windows.x.data);
    x[11] = Number.NaN;
    const validationData = { x: { data: x, shape: windows.x.shape }, y: windows.y };
    for (const engine of ['fast', 'tfjs'] as const) {
      const options = { epochs: 1, batchSize: 4, engine, progress: 'none' as const, validationData };
      await expect(train(m, windows, options)).rejects.toThrow(/validationData\.x: window 2, step 1, feature 0 is NaN/);
    }
    m.dispose();
  });
});
