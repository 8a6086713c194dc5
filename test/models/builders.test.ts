import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildDense,
  buildModel,
  countParams,
  initBackend,
  JordanCell,
  lastHiddenState,
  evaluateCarryingState,
  loadModelFiles,
  saveModelFiles,
  tf,
} from '../../src';
import type { ModelKind } from '../../src';
import { smallData } from '../support/models';

beforeAll(async () => {
  await initBackend('cpu');
});

const predict = (m: tfTypes.LayersModel, x: Float64Array, shape: number[]) =>
  tf.tidy(() => Array.from((m.predict(tf.tensor(Float32Array.from(x), shape)) as tfTypes.Tensor).dataSync()));

describe('builders', () => {
  it.each<[ModelKind, number]>([
    // SimpleRNN 2×5 on 1 feature + Dense 1 (tfjs single-bias layout): (1·5+5·5+5) + (5·5+5·5+5) + (5+1)
    ['elman', 96],
    // LSTM: 4·[(1+5)·5+5] + 4·[(5+5)·5+5] + 6
    ['lstm', 4 * 35 + 4 * 55 + 6],
    ['gru', 3 * 35 + 3 * 55 + 6],
    // Jordan [5,5], 1 output: K0 1·5, R 1·5, b0 5, K1 5·5, b1 5, V 5·1, c 1
    ['jordan', 5 + 5 + 5 + 25 + 5 + 5 + 1],
  ])('%s 2×5 has the expected parameter count and output shape', (kind, params) => {
    const m = buildModel(kind, { steps: 20, features: 1, units: [5, 5] });
    expect(countParams(m)).toBe(params);
    expect(m.outputs[0].shape).toEqual([null, 1]);
    m.dispose();
  });

  it('builds sequence outputs, dense heads, dense models and stateful models', () => {
    const seq = buildModel('lstm', { steps: 1, features: 3, units: [4], returnSequences: true });
    expect(seq.outputs[0].shape).toEqual([null, 1, 1]);
    const head = buildModel('elman', { steps: 8, features: 2, units: [10], head: [{ units: 8 }, { units: 4 }] });
    expect(head.layers.map((l) => l.getClassName())).toEqual(['SimpleRNN', 'Dense', 'Dense', 'Dense']);
    expect(head.layers.slice(1).map((l) => (l.getConfig() as { units: number }).units)).toEqual([8, 4, 1]);
    const dense = buildDense({ steps: 120, features: 14, units: [16] });
    expect(countParams(dense)).toBe(120 * 14 * 16 + 16 + 17);
    const st = buildModel('gru', { steps: 5, features: 1, units: [3], stateful: true, batchSize: 4 });
    expect(st.inputs[0].shape).toEqual([4, 5, 1]);
  });

  it('gives identical initial weights for the same seed and different ones for another', () => {
    const w = (seed: number) =>
      buildModel('lstm', { steps: 4, features: 1, units: [3, 3], seed })
        .getWeights()
        .map((t) => Array.from(t.dataSync()));
    expect(w(5)).toEqual(w(5));
    expect(w(5)).not.toEqual(w(6));
  });

  it('rejects bad options with the argument named', () => {
    expect(() => buildModel('elman', { steps: 0, features: 1, units: [5] })).toThrow(
      /steps = 0 must be a positive integer/,
    );
    expect(() => buildModel('gru', { steps: 3, features: 1, units: [] })).toThrow(/units must be a non-empty list/);
    expect(() => buildModel('lstm', { steps: 3, features: 1, units: [2], stateful: true })).toThrow(
      /batchSize \(required when stateful\)/,
    );
    expect(() => buildModel('nope' as ModelKind, { steps: 3, features: 1, units: [2] })).toThrow(/unknown kind "nope"/);
  });
});

describe('Jordan cell', () => {
  it('recurs on the previous output: the last output recomputed by hand from the weights', () => {
    const m = buildModel('jordan', { steps: 4, features: 2, units: [3], seed: 9 });
    const [K0, R, b0, V, c] = m.layers[0].getWeights().map((t) => Array.from(t.dataSync()));
    const data = smallData(1, 4, 2);
    let y = 0;
    for (let t = 0; t < 4; t++) {
      const h = [0, 1, 2].map((u) =>
        Math.tanh(data.x.data[t * 2] * K0[u] + data.x.data[t * 2 + 1] * K0[3 + u] + y * R[u] + b0[u]),
      );
      y = h[0] * V[0] + h[1] * V[1] + h[2] * V[2] + c[0];
    }
    expect(predict(m, data.x.data, [1, 4, 2])[0]).toBeCloseTo(y, 5);
  });
  it('is registered for serialisation', () => {
    expect(tf.serialization.SerializationMap.getMap().classNameMap.JordanCell).toBeDefined();
    expect(new JordanCell({ units: [2], outputUnits: 1 }).getConfig()).toMatchObject({
      units: [2],
      outputUnits: 1,
      activation: 'tanh',
      outputActivation: 'linear',
    });
  });
});

describe('saving and loading without tfjs-node', () => {
  it.each<ModelKind>(['elman', 'jordan', 'lstm', 'gru', 'dense'])(
    '%s round-trips with identical predictions',
    async (kind) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `model-${kind}-`));
      const m = buildModel(kind, { steps: 5, features: 2, units: [4, 3], seed: 2 });
      const data = smallData(3, 5, 2);
      await saveModelFiles(m, dir);
      expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
      const loaded = await loadModelFiles(dir);
      expect(predict(loaded, data.x.data, [3, 5, 2])).toEqual(predict(m, data.x.data, [3, 5, 2]));
    },
  );
  it('says what to pass when the folder has no model', async () => {
    await expect(loadModelFiles(os.tmpdir())).rejects.toThrow(
      /does not exist; pass the folder given to saveModelFiles/,
    );
  });
});

describe('hidden state (documento 003)', () => {
  it('returns the final hidden state, and carrying it changes later predictions only', () => {
    const m = buildModel('elman', { steps: 4, features: 1, units: [3], seed: 4 });
    const data = smallData(5, 4, 1);
    const h = lastHiddenState(m, data.x);
    expect(h.units).toBe(3);
    expect(h.state.length).toBe(15);
    for (const v of h.state) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    const reset = evaluateCarryingState(m, data.x, { carryState: false });
    const carried = evaluateCarryingState(m, data.x, { carryState: true });
    const plain = predict(m, data.x.data, [5, 4, 1]);
    reset.forEach((v, i) => expect(v).toBeCloseTo(plain[i], 5));
    expect(carried[0]).toBeCloseTo(plain[0], 5);
    expect(Math.abs(carried[3] - plain[3])).toBeGreaterThan(1e-6);
  });
});
