#!/usr/bin/env node
// Kernel-level timing of the float64 (kernels.wat, f64x2) against the float32 (kernels-f32.wat,
// f32x4) kernels on LSTM(32)-sized operands: mvacc and mvdot 32 × 128, mtacc 32 × 128 over
// 120 steps, tanh of 128 values, one LSTM(32) step. Five alternating rounds per kernel, ns
// per call of every round, the medians and GFLOP/s (2 flops per multiply-add).
// `node bench/kernels-precision.js`. Timings on a shared machine are noisy. Kernels alone, not the
// engine's speed (npm run bench measures that).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const build = require('../scripts/build-wasm.js');
(async () => {
  const m64 = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
  const m32 = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
  const k64 = new WebAssembly.Instance(new WebAssembly.Module(await build.compileKernels()), { env: { memory: m64 } })
    .exports;
  const k32 = new WebAssembly.Instance(
    new WebAssembly.Module(
      await build.compileKernels(
        fs.readFileSync(path.join(__dirname, '..', 'src', 'engine', 'kernels-f32.wat'), 'utf8'),
      ),
    ),
    { env: { memory: m32 } },
  ).exports;
  const a64 = new Float64Array(m64.buffer),
    a32 = new Float32Array(m32.buffer);
  for (let i = 0; i < 200000; i++) {
    a64[i] = a32[i] = Math.sin(i) * 0.1;
  }
  // LSTM(32): recurrent 32x128 row-vector product (mvacc) per step; mtacc over T=120 steps; mvdot 32 rows x 128
  const runs = {
    mvacc: (k, b) => k.mvacc(0, b * 1000, 32, b * 10000, 128, 128),
    mtacc: (k, b) => k.mtacc(b * 100000, 128, b * 1000, 32, 32, b * 20000, 128, 128, 120),
    mvdot: (k, b) => k.mvdot(0, b * 1000, 32, b * 10000, 128, 128, 1),
    // tanh of 128 values; one LSTM(32) cell step (gates 4 × 32 at b·30000, state after them)
    activate: (k, b) => k.activate(b * 30000, b * 30000, 128, 1),
    lstmStep: (k, b) => k.lstmStep(b * 30000, b * 30200, b * 30300, b * 30400, b * 30500, 32),
  };
  const reps = { mvacc: 200000, mtacc: 300, mvdot: 200000, activate: 200000, lstmStep: 100000 };
  for (const [name, f] of Object.entries(runs)) {
    const res = { f64: [], f32: [] };
    for (let round = 0; round < 5; round++)
      for (const [p, k, b] of [
        ['f64', k64, 8],
        ['f32', k32, 4],
      ]) {
        for (let i = 0; i < reps[name] / 10; i++) f(k, b);
        const t = process.hrtime.bigint();
        for (let i = 0; i < reps[name]; i++) f(k, b);
        res[p].push(Number(process.hrtime.bigint() - t) / reps[name]);
      }
    const med = (a) => [...a].sort((x, y) => x - y)[2];
    // activate and lstmStep: no multiply-add count (GFLOP/s printed as NaN)
    const flops = { mvacc: 2 * 32 * 128, mtacc: 2 * 32 * 128 * 120, mvdot: 2 * 32 * 128 }[name] ?? Number.NaN;
    console.log(
      name,
      'ns/call f64 rounds',
      res.f64.map((x) => x.toFixed(0)).join(' '),
      'median',
      med(res.f64).toFixed(0),
      `(${(flops / med(res.f64)).toFixed(2)} GFLOP/s)`,
      '| f32 rounds',
      res.f32.map((x) => x.toFixed(0)).join(' '),
      'median',
      med(res.f32).toFixed(0),
      `(${(flops / med(res.f32)).toFixed(2)} GFLOP/s)`,
      'speedup',
      (med(res.f64) / med(res.f32)).toFixed(2),
    );
  }
})();
