import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MinMaxScaler,
  buildModel,
  evaluateCarryingState,
  initBackend,
  lastHiddenState,
  loadModelFiles,
  predictBatches,
  predictWindows,
  saveModelFiles,
  tf,
  timeseriesDatasetFromArray,
} from '../../src';
import { smallData } from '../support/models';

beforeAll(async () => {
  await initBackend('cpu');
});

const tfPredict = (m: tfTypes.LayersModel, x: Float64Array, shape: number[]) =>
  tf.tidy(() => Array.from((m.predict(tf.tensor(Float32Array.from(x), shape)) as tfTypes.Tensor).dataSync()));

describe('Jordan cell with a hidden stack', () => {
  it('keeps the agreed weight order and recurs on the previous output through two hidden layers', () => {
    const m = buildModel('jordan', { steps: 3, features: 2, units: [3, 2], outputUnits: 1, seed: 4 });
    const cell = (m.layers[0] as unknown as { cell: tfTypes.layers.Layer }).cell;
    expect(cell.weights.map((w) => `${w.name.split('/').pop()} ${w.shape.join('x')}`)).toEqual([
      'kernel_0 2x3',
      'recurrent_kernel 1x3',
      'bias_0 3',
      'kernel_1 3x2',
      'bias_1 2',
      'output_kernel 2x1',
      'output_bias 1',
    ]);
    // Non-zero biases so that every term of the recurrence is exercised.
    const ws = cell.getWeights().map((t) => Float64Array.from(t.dataSync()));
    ws[2] = Float64Array.from([0.1, -0.2, 0.3]);
    ws[4] = Float64Array.from([-0.15, 0.25]);
    ws[6] = Float64Array.from([0.05]);
    const tensors = ws.map((w, i) => tf.tensor(Float32Array.from(w), cell.weights[i].shape as number[]));
    cell.setWeights(tensors);
    tf.dispose(tensors);
    const [K0, R, b0, K1, b1, V, c] = ws.map((w) => Array.from(Float32Array.from(w)));
    const data = smallData(2, 3, 2, 7);
    const expected: number[] = [];
    for (let s = 0; s < 2; s++) {
      let y = 0;
      for (let t = 0; t < 3; t++) {
        const x = [0, 1].map((f) => data.x.data[(s * 3 + t) * 2 + f]);
        const h0 = [0, 1, 2].map((u) => Math.tanh(x[0] * K0[u] + x[1] * K0[3 + u] + y * R[u] + b0[u]));
        const h1 = [0, 1].map((u) => Math.tanh(h0[0] * K1[u] + h0[1] * K1[2 + u] + h0[2] * K1[4 + u] + b1[u]));
        y = h1[0] * V[0] + h1[1] * V[1] + c[0];
      }
      expected.push(y);
    }
    const got = tfPredict(m, data.x.data, [2, 3, 2]);
    expected.forEach((y, i) => expect(got[i]).toBeCloseTo(y, 5));
    // Its last hidden state is its output (the Jordan state).
    const h = lastHiddenState(m, data);
    expect(h.units).toBe(1);
    expected.forEach((y, i) => expect(h.state[i]).toBeCloseTo(y, 5));
  });
});

describe('hidden state by hand', () => {
  it('lastHiddenState of an Elman layer is h_T of h_t = tanh(x_t·W + h_{t−1}·U + b), also for a stateful model', () => {
    const m = buildModel('elman', { steps: 4, features: 1, units: [2], seed: 11 });
    const [W, U] = m.layers[0].getWeights().map((t) => Array.from(t.dataSync()));
    const b = [0, 0];
    const data = smallData(3, 4, 1, 2);
    const got = lastHiddenState(m, data.x);
    for (let s = 0; s < 3; s++) {
      let h = [0, 0];
      for (let t = 0; t < 4; t++) {
        const x = data.x.data[s * 4 + t];
        h = [0, 1].map((u) => Math.tanh(x * W[u] + h[0] * U[u] + h[1] * U[2 + u] + b[u]));
      }
      expect(got.state[2 * s]).toBeCloseTo(h[0], 5);
      expect(got.state[2 * s + 1]).toBeCloseTo(h[1], 5);
    }
    const st = buildModel('elman', { steps: 4, features: 1, units: [2], seed: 11, stateful: true, batchSize: 1 });
    expect(Array.from(lastHiddenState(st, data.x).state)).toEqual(Array.from(got.state));
  });

  it('rejects windows of the wrong shape and models without a recurrent layer', () => {
    const m = buildModel('lstm', { steps: 4, features: 1, units: [2] });
    expect(() => lastHiddenState(m, smallData(2, 5, 1).x)).toThrow(
      /lastHiddenState: windows of shape \[2, 5, 1\] do not fit the model's input \[batch, 4, 1\]/,
    );
    const d = buildModel('dense', { steps: 4, features: 1, units: [2] });
    expect(() => lastHiddenState(d, smallData(2, 4, 1).x)).toThrow(/has no recurrent layer/);
    expect(() => evaluateCarryingState(m, smallData(2, 4, 1).x, {} as { carryState: boolean })).toThrow(
      /options.carryState = undefined must be true/,
    );
  });
});

describe('stateful prediction', () => {
  it('a stateful model predicts in order carrying its state, as evaluateCarryingState(carryState: true)', () => {
    const opts = { steps: 3, features: 1, units: [3], seed: 5 };
    const plain = buildModel('gru', opts);
    const st = buildModel('gru', { ...opts, stateful: true, batchSize: 1 });
    const data = smallData(6, 3, 1);
    const carried = evaluateCarryingState(plain, data, { carryState: true });
    const reset = evaluateCarryingState(plain, data, { carryState: false });
    expect(Math.max(...carried.map((v, i) => Math.abs(v - reset[i])))).toBeGreaterThan(1e-4);
    const statefulPred = predictWindows(st, data);
    statefulPred.forEach((v, i) => expect(v).toBeCloseTo(carried[i], 5));
    // Reset before every call: the same windows give the same predictions twice.
    expect(Array.from(predictWindows(st, data))).toEqual(Array.from(statefulPred));
    predictWindows(plain, data).forEach((v, i) => expect(v).toBeCloseTo(reset[i], 5));
  });

  it('pads the last chunk of a stateful model with a larger batch size and drops the padding', () => {
    const st = buildModel('lstm', { steps: 3, features: 1, units: [2], seed: 5, stateful: true, batchSize: 4 });
    expect(predictWindows(st, smallData(6, 3, 1))).toHaveLength(6);
  });

  it('returns every output of every window, de-normalised by the scaler', () => {
    const m = buildModel('elman', { steps: 3, features: 1, units: [3], outputUnits: 2, seed: 1 });
    const data = smallData(4, 3, 1);
    const scaler = { inverseTransform: (v: Float64Array) => v.map((x) => 10 * x + 1) };
    const raw = evaluateCarryingState(m, data, { carryState: false });
    expect(raw).toHaveLength(8);
    const scaled = evaluateCarryingState(m, data, { carryState: false }, scaler);
    scaled.forEach((v, i) => expect(v).toBeCloseTo(10 * raw[i] + 1, 9));
    const direct = predictWindows(m, data, scaler);
    direct.forEach((v, i) => expect(v).toBeCloseTo(scaled[i], 4));
  });
});

describe('predictions with a scaler of several features', () => {
  // feature 0 spans 0 … 1, feature 1 spans 10 … 30
  const two = () => new MinMaxScaler({ features: 2 }).fit(Float64Array.from([0, 10, 1, 30]));
  it('refuses a multi-feature scaler for a one-output model, even when the count of values is a multiple', () => {
    const m = buildModel('elman', { steps: 3, features: 1, units: [3], seed: 1 });
    for (const n of [3, 4]) {
      expect(() => predictWindows(m, smallData(n, 3, 1), two())).toThrow(
        /predictWindows: the scaler was fitted on 2 features but the model gives 1 output\(s\) per step;.*feature: k/,
      );
    }
  });
  it('de-normalises one feature when asked ({ feature: k }), the same for predictBatches and the targets', () => {
    const m = buildModel('elman', { steps: 3, features: 1, units: [3], seed: 1 });
    const data = smallData(4, 3, 1);
    const raw = predictWindows(m, data);
    const got = predictWindows(m, data, two(), { feature: 1 });
    got.forEach((v, i) => expect(v).toBeCloseTo(10 + 20 * raw[i], 9));
    const series = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i / 3));
    const ds = timeseriesDatasetFromArray(series, series.subarray(3), { sequenceLength: 3, batchSize: 4 });
    const b = predictBatches(m, ds, two(), { feature: 1 });
    const plain = predictBatches(m, ds);
    b.predicted.forEach((v, i) => expect(v).toBeCloseTo(10 + 20 * plain.predicted[i], 9));
    b.actual.forEach((v, i) => expect(v).toBeCloseTo(10 + 20 * plain.actual[i], 9));
    expect(() => predictBatches(m, ds, two())).toThrow(/predictBatches: the scaler was fitted on 2 features but/);
  });
  it('maps rows of outputs when the model gives one output per feature', () => {
    const m = buildModel('elman', { steps: 3, features: 1, units: [3], outputUnits: 2, seed: 1 });
    const data = smallData(3, 3, 1);
    const raw = predictWindows(m, data);
    expect(Array.from(predictWindows(m, data, two()))).toEqual(Array.from(two().inverseTransform(raw)));
  });
  it('refuses { feature } with a scaler that only has inverseTransform(values)', () => {
    const m = buildModel('elman', { steps: 3, features: 1, units: [3], seed: 1 });
    const custom = { inverseTransform: (v: Float64Array) => v.map((x) => 2 * x) };
    expect(() => predictWindows(m, smallData(2, 3, 1), custom, { feature: 1 })).toThrow(
      /predictWindows: \{ feature: 1 \} needs a scaler that knows its features/,
    );
    expect(() => predictWindows(m, smallData(2, 3, 1), two(), { features: 1 } as never)).toThrow(
      /predictWindows: unknown option "features"; did you mean "feature"\?/,
    );
  });
});

describe('predictBatches', () => {
  it('predicts a lazy source in order, equal to predictWindows on its materialised windows, with the targets', () => {
    const series = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i / 3));
    const ds = timeseriesDatasetFromArray(series, series.subarray(5), { sequenceLength: 5, batchSize: 16 });
    const m = buildModel('lstm', { steps: 5, features: 1, units: [3], seed: 2 });
    const scaler = { inverseTransform: (v: Float64Array) => v.map((x) => 2 * x) };
    const { predicted, actual } = predictBatches(m, ds, scaler);
    const all = ds.materialize();
    expect(predicted).toHaveLength(ds.numWindows);
    expect(Array.from(actual)).toEqual(Array.from(all.y.data).map((v) => 2 * v));
    expect(Array.from(predicted)).toEqual(Array.from(predictWindows(m, all, scaler)));
    const wrong = buildModel('lstm', { steps: 4, features: 1, units: [3] });
    expect(() => predictBatches(wrong, ds)).toThrow(
      /predictBatches: batches of \[5 steps, 1 features\] do not fit the model's input \[batch, 4, 1\]/,
    );
  });
});

describe('builder checks', () => {
  it('names the argument, the value and the choices', () => {
    expect(() => buildModel('elman', { steps: 3, features: 1, units: [2], activation: 'tanhh' as 'tanh' })).toThrow(
      /activation = "tanhh" is not supported; use one of tanh, sigmoid/,
    );
    expect(() => buildModel('lstm', { steps: 3, features: 1, units: [2], outputUnits: 0 })).toThrow(
      /outputUnits = 0 must be a positive integer/,
    );
    expect(() => buildModel('jordan', { steps: 3, features: 1, units: [2], outputUnits: 1.5 })).toThrow(
      /outputUnits = 1.5 must be a positive integer/,
    );
    expect(() =>
      buildModel('gru', { steps: 3, features: 1, units: [2], head: [{ units: 4, activation: 'elu' as 'relu' }] }),
    ).toThrow(/head\[0\].activation = "elu"/);
    expect(() => buildModel('dense', { steps: 3, features: 1, units: [2], seed: 0.5 })).toThrow(
      /seed = 0.5 must be an integer/,
    );
    expect(() => buildModel('dense', { steps: 3, features: 1, units: [2], dropout: 0.2 })).toThrow(
      /build dense: dropout, .* apply to recurrent layers only/,
    );
  });
});

describe('model files', () => {
  it('loads weights split over several shards and groups, and names a missing shard', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shards-'));
    const m = buildModel('jordan', { steps: 3, features: 2, units: [3, 2], seed: 6, stateful: true, batchSize: 2 });
    await saveModelFiles(m, dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
    const specs = json.weightsManifest[0].weights as Array<{ shape: number[] }>;
    const firstBytes = specs.slice(0, 3).reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    fs.writeFileSync(path.join(dir, 'a.bin'), bin.subarray(0, 10));
    fs.writeFileSync(path.join(dir, 'b.bin'), bin.subarray(10, firstBytes));
    fs.writeFileSync(path.join(dir, 'c.bin'), bin.subarray(firstBytes));
    json.weightsManifest = [
      { paths: ['a.bin', 'b.bin'], weights: specs.slice(0, 3) },
      { paths: ['c.bin'], weights: specs.slice(3) },
    ];
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    const loaded = await loadModelFiles(path.join(dir, 'model.json'));
    expect(loaded.inputs[0].shape).toEqual([2, 3, 2]);
    const data = smallData(4, 3, 2);
    expect(Array.from(predictWindows(loaded, data))).toEqual(Array.from(predictWindows(m, data)));
    fs.rmSync(path.join(dir, 'c.bin'));
    await expect(loadModelFiles(dir)).rejects.toThrow(/weight file .*c\.bin named in .*model\.json is missing/);
  });
});

describe('no tensor leaks in builders, copies and state helpers', () => {
  it('keeps tf.memory().numTensors unchanged across repeated calls', async () => {
    const { train } = await import('../../src');
    const { statefulTwin } = await import('../../src/models/state');
    const st = buildModel('lstm', { steps: 3, features: 1, units: [2], seed: 1, stateful: true, batchSize: 2 });
    const plain = buildModel('jordan', { steps: 3, features: 1, units: [2, 2], seed: 1 });
    const data = smallData(6, 3, 1);
    const round = async () => {
      buildModel('lstm', { steps: 3, features: 1, units: [2, 2] }).dispose(); // tfjs' unitForgetBias initializer leaks unless built in a tidy scope
      predictWindows(st, data);
      lastHiddenState(st, data);
      lastHiddenState(plain, data);
      evaluateCarryingState(st, data, { carryState: true });
      evaluateCarryingState(plain, data, { carryState: false });
      statefulTwin(plain).dispose();
      await train(st, data, { epochs: 2, batchSize: 2, progress: 'none', validationData: smallData(3, 3, 1) });
    };
    await round();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await round();
    expect(tf.memory().numTensors).toBe(before);
  });
});
