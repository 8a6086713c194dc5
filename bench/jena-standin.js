#!/usr/bin/env node
// The Jena stand-in's statistics at the document's settings, without training: the
// common-sense baseline MAE (temperature in 24 h = temperature now) on validation and test,
// the temperature's mean, spread and 24 h autocorrelation, and every column's range.
// Usage: npm run build && node bench/jena-standin.js [seed]. Not part of `npm test`.
'use strict';
const L = require('../dist');
// internals by path (the public entry lists only what notebooks and users need)
const { generateJenaLike } = require('../dist/data/jena');

const seed = process.argv[2] === undefined ? 42 : Number(process.argv[2]);
const t0 = process.hrtime.bigint();
const jena = generateJenaLike({ seed });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

// The notebook's windows (samplingRate 6, 120 steps, target 24 h after the window's end).
const T = jena.column('T (degC)');
const rows = jena.rows;
const [, rVal] = L.splitByFractions(rows, [0.5, 0.25, 0.25]);
const delay = 6 * (120 + 24 - 1);
const data = { data: T.subarray(0, rows - delay), shape: [rows - delay, 1] };
const targets = T.subarray(delay);
const common = { samplingRate: 6, sequenceLength: 120, batchSize: 256 };
const valDs = L.timeseriesDatasetFromArray(data, targets, { ...common, startIndex: rVal.start, endIndex: rVal.end });
const testDs = L.timeseriesDatasetFromArray(data, targets, { ...common, startIndex: rVal.end });
const baseline = {
  val: L.lastValueBaselineMae(valDs, { feature: 0 }),
  test: L.lastValueBaselineMae(testDs, { feature: 0 }),
};

const hourly = T.filter((_, i) => i % 6 === 0);
const mean = hourly.reduce((a, b) => a + b, 0) / hourly.length;
const sd = Math.sqrt(hourly.reduce((a, b) => a + (b - mean) ** 2, 0) / hourly.length);
let cov = 0;
for (let i = 0; i + 24 < hourly.length; i++) cov += (hourly[i] - mean) * (hourly[i + 24] - mean);
const acf24 = cov / (hourly.length - 24) / sd ** 2;

console.log(`seed ${seed}: ${rows} rows generated in ${seconds.toFixed(2)} s`);
console.log(`baseline MAE  validation ${baseline.val.toFixed(3)} °C · test ${baseline.test.toFixed(3)} °C`);
console.log(`  (real file: 2.44 / 2.62 °C)`);
console.log(`T mean ${mean.toFixed(2)} · sd ${sd.toFixed(2)} · acf(24 h) ${acf24.toFixed(3)} (real: 9.45 · 8.42)`);
const ranges = {};
for (const c of jena.columnNames) {
  const v = jena.column(c);
  let lo = Infinity;
  let hi = -Infinity;
  let s = 0;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    s += x;
  }
  ranges[c] = { min: lo, mean: Number((s / v.length).toFixed(2)), max: hi };
}
console.table(ranges);
