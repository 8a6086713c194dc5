import { describe, expect, it } from 'vitest';
import { lagWindows, sliceWindows, timeseriesDatasetFromArray } from '../../src';

describe('timeseriesDatasetFromArray (Keras semantics)', () => {
  it('reproduces the document toy example [0..6], length 3', () => {
    const data = Float64Array.from([0, 1, 2, 3, 4, 5, 6]);
    const ds = timeseriesDatasetFromArray(data, null, { sequenceLength: 3, batchSize: 10 });
    expect(ds.numWindows).toBe(5);
    const { x } = ds.batch(0);
    expect(x.shape).toEqual([5, 3, 1]);
    expect(Array.from(x.data)).toEqual([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 6]);
  });

  it('aligns targets[i] with the window starting at i and keeps a partial last batch', () => {
    const data = Float64Array.from({ length: 10 }, (_, i) => i);
    const targets = Float64Array.from({ length: 10 }, (_, i) => 100 + i);
    const ds = timeseriesDatasetFromArray(data.subarray(0, 7), targets.subarray(3), {
      sequenceLength: 3,
      batchSize: 2,
    });
    expect(ds.numWindows).toBe(5);
    expect(ds.numBatches).toBe(3);
    const last = ds.batch(2);
    expect(last.x.shape).toEqual([1, 3, 1]);
    expect(Array.from(last.x.data)).toEqual([4, 5, 6]);
    expect(Array.from(last.y.data)).toEqual([107]);
    expect(Array.from(ds.batch(0).y.data)).toEqual([103, 104]);
  });

  it('yields the documento-001 Jena counts on 420,451 rows without materialising windows', () => {
    const rows = 420451;
    const features = 14;
    const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const raw = new Float64Array(rows * features);
    const temp = new Float64Array(rows);
    const samplingRate = 6;
    const sequenceLength = 120;
    const delay = samplingRate * (sequenceLength + 24 - 1);
    const nTrain = Math.floor(0.5 * rows);
    const nVal = Math.floor(0.25 * rows);
    const data = {
      data: raw.subarray(0, (rows - delay) * features),
      shape: [rows - delay, features] as [number, number],
    };
    const targets = temp.subarray(delay);
    const common = { samplingRate, sequenceLength, batchSize: 256 };
    const train = timeseriesDatasetFromArray(data, targets, {
      ...common,
      shuffle: true,
      startIndex: 0,
      endIndex: nTrain,
    });
    const val = timeseriesDatasetFromArray(data, targets, { ...common, startIndex: nTrain, endIndex: nTrain + nVal });
    const test = timeseriesDatasetFromArray(data, targets, { ...common, startIndex: nTrain + nVal });
    expect([train.numWindows, val.numWindows, test.numWindows]).toEqual([209511, 104398, 103542]);
    expect([train.numBatches, val.numBatches, test.numBatches]).toEqual([819, 408, 405]);
    expect(train.batch(818).x.shape).toEqual([209511 - 818 * 256, 120, 14]);
    for (let b = 0; b < 5; b++) train.batch(b, 1);
    const grown = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - before;
    // The raw data is 47 MB; materialising the train windows alone would take 2.8 GB.
    expect(grown).toBeLessThan(200 * 1024 * 1024);
  });

  it('shuffles with a seed, differently per epoch, covering every window once', () => {
    const data = Float64Array.from({ length: 50 }, (_, i) => i);
    const ds = timeseriesDatasetFromArray(data, data, { sequenceLength: 2, batchSize: 7, shuffle: true, seed: 3 });
    const firsts = (epoch: number) =>
      Array.from({ length: ds.numBatches }, (_, b) => Array.from(ds.batch(b, epoch).y.data)).flat();
    const e0 = firsts(0);
    expect([...e0].sort((a, b) => a - b)).toEqual(Array.from({ length: 49 }, (_, i) => i));
    expect(firsts(0)).toEqual(e0);
    expect(firsts(1)).not.toEqual(e0);
  });

  it('every shuffled window holds its rows, features and target (batches of 4 windows and the rest)', () => {
    const [rows, features, sequenceLength, samplingRate] = [90, 3, 5, 3];
    const data = {
      data: Float64Array.from({ length: rows * features }, (_, i) => i),
      shape: [rows, features] as [number, number],
    };
    const targets = Float64Array.from({ length: rows }, (_, i) => 1000 + i);
    const options = { sequenceLength, samplingRate, batchSize: 11, shuffle: true, seed: 5, startIndex: 2 };
    const ds = timeseriesDatasetFromArray(data, targets, options);
    let seen = 0;
    for (let b = 0; b < ds.numBatches; b++) {
      const { x, y } = ds.batch(b, 1);
      for (let k = 0; k < x.shape[0]; k++) {
        const start = y.data[k] - 1000; // the window starting at row `start` has target targets[start]
        for (let j = 0; j < sequenceLength; j++)
          for (let f = 0; f < features; f++)
            expect(x.data[(k * sequenceLength + j) * features + f]).toBe((start + j * samplingRate) * features + f);
        seen++;
      }
    }
    expect(seen).toBe(ds.numWindows);
    expect(ds.numWindows % 11).not.toBe(0); // a last, partial batch
    expect(11 % 4).not.toBe(0); // and batches that end in fewer than four windows
  });

  it('fills given buffers instead of new arrays when they are large enough (same windows)', () => {
    const data = { data: Float64Array.from({ length: 60 }, (_, i) => i), shape: [30, 2] as [number, number] };
    const targets = Float64Array.from({ length: 30 }, (_, i) => 100 + i);
    const ds = timeseriesDatasetFromArray(data, targets, {
      sequenceLength: 4,
      samplingRate: 2,
      batchSize: 5,
      shuffle: true,
      seed: 1,
    });
    const into = { x: new Float64Array(5 * 4 * 2), y: new Float64Array(5) };
    for (let b = 0; b < ds.numBatches; b++) {
      const fresh = ds.batch(b, 2);
      const filled = ds.batch(b, 2, into);
      expect(filled.x.data.buffer).toBe(into.x.buffer);
      expect(filled.y.data.buffer).toBe(into.y.buffer);
      expect(filled.x.shape).toEqual(fresh.x.shape);
      expect(Array.from(filled.x.data)).toEqual(Array.from(fresh.x.data));
      expect(Array.from(filled.y.data)).toEqual(Array.from(fresh.y.data));
    }
    // too small: new arrays, the buffers untouched
    const small = { x: new Float64Array(3), y: new Float64Array(1) };
    const b0 = ds.batch(0, 0, small);
    expect(b0.x.data.buffer).not.toBe(small.x.buffer);
    expect(Array.from(small.x)).toEqual([0, 0, 0]);
  });

  it('names an empty array, a string where a number belongs and the row of a NaN (data and targets)', () => {
    const opts = { sequenceLength: 3 };
    expect(() => timeseriesDatasetFromArray(new Float64Array(0), null, opts)).toThrow(
      /data: the array is empty \(0 rows\); pass the series to cut into windows/,
    );
    const empty2D = { data: new Float64Array(0), shape: [0, 14] as [number, number] };
    expect(() => timeseriesDatasetFromArray(empty2D, null, opts)).toThrow(/data: the array is empty \(0 rows\)/);
    const ten = Float64Array.from({ length: 10 }, (_, i) => i);
    const bad = (o: object) => () => timeseriesDatasetFromArray(ten, null, o as never);
    expect(bad({ sequenceLength: '3' })).toThrow(
      /sequenceLength: "3" is a string, not a number; write 3 without quotes/,
    );
    expect(bad({ sequenceLength: 3, startIndex: '2' })).toThrow(
      /startIndex: "2" is a string, not a number; write 2 without/,
    );
    expect(bad({ sequenceLength: 3, startIndex: 1.5 })).toThrow(/startIndex: 1.5 must be an integer in \[0, 10\)/);
    expect(bad({})).toThrow(/sequenceLength is missing; give the number of steps per window, e.g. 120/);
    expect(() => timeseriesDatasetFromArray([1, 2, 3] as never, null, opts)).toThrow(
      /data: a plain array; pass Float64Array\.from\(values\)/,
    );
    // NaN: row and feature of the data, row of the targets, at the start; rows no window reads are fine
    const table = { data: Float64Array.from({ length: 20 }, (_, i) => i), shape: [10, 2] as [number, number] };
    table.data[4 * 2 + 1] = Number.NaN;
    expect(() => timeseriesDatasetFromArray(table, null, opts)).toThrow(
      /data: row 4, feature 1 is NaN; fill or drop missing values first \(e\.g\. interpolate\), or set startIndex/,
    );
    expect(timeseriesDatasetFromArray(table, null, { sequenceLength: 3, startIndex: 5 }).numWindows).toBe(3);
    expect(timeseriesDatasetFromArray(table, null, { sequenceLength: 2, endIndex: 4 }).numWindows).toBe(3);
    // samplingRate 2, stride 2 from row 0: rows 0, 2, 4, 6 … are read, row 5 never
    const odd = Float64Array.from({ length: 10 }, (_, i) => (i === 5 ? Number.NaN : i));
    const ds = timeseriesDatasetFromArray(odd, null, { sequenceLength: 2, samplingRate: 2, sequenceStride: 2 });
    expect(Array.from(ds.materialize().x.data)).toEqual([0, 2, 2, 4, 4, 6, 6, 8]);
    expect(() => timeseriesDatasetFromArray(odd, null, { sequenceLength: 2 })).toThrow(/data: row 5 is NaN/);
    const targets = Float64Array.from({ length: 10 }, (_, i) => (i === 6 ? Number.POSITIVE_INFINITY : i));
    expect(() => timeseriesDatasetFromArray(ten, targets, opts)).toThrow(
      /targets: row 6 is Infinity \(the target of window 6\); fill or drop missing values first/,
    );
    expect(() => timeseriesDatasetFromArray(ten, ten.subarray(0, 2), { sequenceLength: 3, startIndex: 2 })).toThrow(
      /targets: 2 rows, but window i's target is targets\[startIndex \+ i·sequenceStride\] from startIndex 2/,
    );
  });

  it('refuses a mistyped option instead of using its default silently', () => {
    const ten = Float64Array.from({ length: 10 }, (_, i) => i);
    const make = (o: object) => () => timeseriesDatasetFromArray(ten, ten, o as never);
    expect(make({ sequenceLength: 3, sampling_rate: 2 })).toThrow(
      /timeseriesDatasetFromArray: unknown option "sampling_rate"; did you mean "samplingRate"\?/,
    );
    expect(make({ sequenceLength: 3, shufle: true })).toThrow(/unknown option "shufle"; did you mean "shuffle"\?/);
    expect(make({ sequenceLength: 3, shuffle: 'yes' })).toThrow(/shuffle: "yes" must be true or false/);
    expect(make({ sequenceLength: 3, shuffle: true, seed: '7' })).toThrow(
      /seed: "7" is a string, not a number; write 7/,
    );
    expect(make({ sequenceLength: 3, shuffle: true, seed: 0.5 })).toThrow(/seed: 0.5 must be an integer/);
    expect(() => lagWindows(ten, 3, { layout: 'feature' as 'features' })).toThrow(
      /lagWindows: layout "feature" is not "steps" or "features"/,
    );
    expect(() => lagWindows(ten, 3, { target_feature: 0 } as never)).toThrow(
      /lagWindows: unknown option "target_feature"; did you mean "targetFeature"\?/,
    );
  });

  it('rejects windows longer than the data, naming the arguments', () => {
    expect(() => timeseriesDatasetFromArray(Float64Array.from([1, 2]), null, { sequenceLength: 5 })).toThrow(
      /too few for windows of sequenceLength 5/,
    );
    expect(() => timeseriesDatasetFromArray(Float64Array.from([1, 2]), null, { sequenceLength: 0 })).toThrow(
      /sequenceLength: 0/,
    );
  });
});

describe('lagWindows (create_dataset of documentos 000 and 004)', () => {
  const s = Float64Array.from([10, 11, 12, 13, 14, 15]);
  it('builds [samples, lag, 1] windows with the next value as target', () => {
    const w = lagWindows(s, 3);
    expect(w.x.shape).toEqual([3, 3, 1]);
    expect(Array.from(w.x.data)).toEqual([10, 11, 12, 11, 12, 13, 12, 13, 14]);
    expect(w.y.shape).toEqual([3, 1]);
    expect(Array.from(w.y.data)).toEqual([13, 14, 15]);
  });
  it("builds documento 004's [samples, 1, lag] layout with sequence targets", () => {
    const w = lagWindows(s, 3, { layout: 'features', sequenceTargets: true });
    expect(w.x.shape).toEqual([3, 1, 3]);
    expect(w.y.shape).toEqual([3, 1, 1]);
  });
  it('slices windows with Python semantics', () => {
    expect(() => sliceWindows(lagWindows(s, 2), 1.5)).toThrow(/sliceWindows: from = 1.5 is not an integer index/);
    expect(() => sliceWindows(lagWindows(s, 2), '1' as unknown as number)).toThrow(
      /sliceWindows: from: "1" is a string/,
    );
    const w = sliceWindows(lagWindows(s, 2), -2);
    expect(w.x.shape).toEqual([2, 2, 1]);
    expect(Array.from(w.y.data)).toEqual([14, 15]);
  });
  it('rejects bad input with the argument and the fix', () => {
    expect(() => lagWindows(s, 0)).toThrow(/lag: 0 is not a positive integer/);
    expect(() => lagWindows(s, 6)).toThrow(/too few for lag 6/);
    expect(() => lagWindows(Float64Array.from([1, NaN, 3, 4]), 1)).toThrow(/index 1 is NaN/);
    expect(() => lagWindows(s, '3' as unknown as number)).toThrow(
      /lag: "3" is a string, not a number; write 3 without quotes/,
    );
    expect(() => lagWindows(new Float64Array(0), 1)).toThrow(/series: the array is empty \(0 values\)/);
    const table = { data: Float64Array.from([1, 2, 3, NaN, 5, 6]), shape: [3, 2] as [number, number] };
    expect(() => lagWindows(table, 1)).toThrow(/series: row 1, feature 1 is NaN/);
    const clean = { data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] as [number, number] };
    expect(() => lagWindows(clean, 1, { targetFeature: '1' as unknown as number })).toThrow(
      /targetFeature: "1" is a string/,
    );
    expect(() => lagWindows(clean, 1, { targetFeature: 2 })).toThrow(
      /targetFeature: 2 is not a feature index in \[0, 2\)/,
    );
  });
});
