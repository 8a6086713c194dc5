#!/usr/bin/env node
// `npm run bench`: seconds per epoch of the fused engine, tfjs (active backend), PyTorch 2 and
// Keras 3, measured side by side in one run on the same seeded shapes. Prints a table with ratios and
// writes bench/results/<timestamp>.json. `--quick` for a smoke run, `--jena` for the Jena-shape
// rounds alone, `--cells=lstm,gru` / `--batches=1,256` for a subset of the documento 000 rows.
// PyTorch and Keras come from the project's .venv (requirements-bench.txt). Not part of `npm test`.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const L = require('../dist');
// internals by path (the public entry lists only what notebooks and users need)
const { seededRandom } = require('../dist/runtime/random');
const { probeGflops, lstmBatchFlops, denseBatchFlops } = require('./probe');

const quick = process.argv.includes('--quick');
const jenaOnly = process.argv.includes('--jena'); // only the Jena-shape rounds
// a subset of the documento 000 rows: --cells=lstm,gru and/or --batches=1,256
const listArg = (name, all) => {
  const a = process.argv.find((v) => v.startsWith(`--${name}=`));
  if (!a) return all;
  const picked = a
    .slice(name.length + 3)
    .split(',')
    .map((v) => (typeof all[0] === 'number' ? Number(v) : v));
  const bad = picked.filter((v) => !all.includes(v));
  if (bad.length) throw new Error(`--${name}: unknown ${bad.join(', ')}; choose among ${all.join(', ')}`);
  return picked;
};
const cells = listArg('cells', ['elman', 'jordan', 'lstm', 'gru']);
const batchSizes = listArg('batches', [1, 16, 256]);

function data(n, steps, features, seed) {
  const r = seededRandom(seed);
  const x = Float64Array.from({ length: n * steps * features }, () => r() * 2 - 1);
  const y = Float64Array.from({ length: n }, () => r() * 2 - 1);
  return { x: { data: x, shape: [n, steps, features] }, y: { data: y, shape: [n, 1] } };
}

/**
 * Seconds per epoch, timing `batches` batches (or the whole epoch) and extrapolating.
 * Steady state, as in a real training of many epochs: a short untimed warm-up run first
 * (V8's JIT for the engine, kernel setup for tfjs; PyTorch gets one too), then, for the
 * engine, the median of three timed epochs.
 */
async function timeEpoch(engine, kind, set, units, batch, batches) {
  const n = set.x.shape[0];
  const total = Math.ceil(n / batch);
  const timed = Math.min(total, batches || total);
  const part = L.sliceWindows(set, 0, Math.min(n, timed * batch));
  const warm = L.sliceWindows(set, 0, Math.min(n, batch * Math.min(timed, engine === 'fast' ? timed : 3)));
  const model = L.buildModel(kind, { steps: set.x.shape[1], features: set.x.shape[2], units, seed: 1 });
  const options = {
    epochs: 1,
    batchSize: batch,
    optimizer: 'adam',
    learningRate: 1e-3,
    loss: 'mse',
    engine,
    progress: 'none',
    shuffle: false,
  };
  await L.train(model, warm, options);
  // the engine: the median of three timed epochs (machines are shared and noisy); tfjs: one
  const h = await L.train(model, part, { ...options, epochs: engine === 'fast' ? 3 : 1 });
  model.dispose();
  return (median(h.secondsPerEpoch) * total) / timed;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// The first Python that imports `module`: RNN_PYTHON, the project's .venv (bench-only packages
// from requirements-bench.txt), then the system's.
function pythonWith(module) {
  return [process.env.RNN_PYTHON, path.join(__dirname, '..', '.venv', 'bin', 'python'), '/usr/bin/python3', 'python3']
    .filter(Boolean)
    .find((p) => spawnSync(p, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
}

function referenceTimes(module, script, cases, threads) {
  const python = pythonWith(module);
  if (!python)
    return {
      skipped: `MISSING: no Python with ${module} found (.venv/bin/pip install --find-links /opt/wheels -r requirements-bench.txt, or set RNN_PYTHON)`,
    };
  const r = spawnSync(python, [path.join(__dirname, script), JSON.stringify({ cases, threads })], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return { skipped: `${module} reference failed: ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const torchTimes = (cases, threads) => referenceTimes('torch', 'torch_reference.py', cases, threads);
const kerasTimes = (cases, threads) => referenceTimes('keras', 'keras_reference.py', cases, threads);

const fmt = (v) => (v === undefined ? '—' : v < 0.01 ? v.toExponential(2) : v.toFixed(3));
const ratio = (a, b) => (a && b ? `${(b / a).toFixed(b / a < 10 ? 1 : 0)}×` : '—');

(async () => {
  await L.initBackend();
  const backend = L.activeBackend();
  const windows = quick ? 300 : 2980;
  const set = data(windows, 20, 1, 7);
  const rows = [];
  const torchCases = [];
  for (const kind of jenaOnly ? [] : cells) {
    for (const batch of batchSizes) {
      const fast = await timeEpoch('fast', kind, set, [5, 5], batch, quick ? 20 : 0);
      const tfjs = await timeEpoch(
        'tfjs',
        kind,
        set,
        [5, 5],
        batch,
        batch === 1 ? (quick ? 10 : 60) : batch === 16 ? (quick ? 5 : 30) : quick ? 1 : 6,
      );
      rows.push({ config: 'documento 000 (2980×20×1, 2×5)', cell: kind, batch, fast, tfjs });
      torchCases.push({
        cell: kind,
        batch,
        windows,
        steps: 20,
        features: 1,
        units: [5, 5],
        batches: batch === 1 ? (quick ? 50 : 500) : 0,
      });
      process.stdout.write('.');
    }
  }
  console.log();
  // PyTorch at its best here: one thread and every core are both timed, the faster one counts
  // (for small networks its own threading often costs more than it gives).
  const cores = os.cpus().length;
  const torchKey = (threads) => `torch${threads}thread${threads > 1 ? 's' : ''}`; // JSON field per thread count
  const torchBest = (cases) => {
    const runs = [...new Set([1, cores])].map((threads) => ({ threads, ...torchTimes(cases, threads) }));
    const timed = runs.filter((t) => t.seconds);
    const best = timed.length
      ? { torch: timed[0].torch, seconds: cases.map((_, i) => Math.min(...timed.map((t) => t.seconds[i]))) }
      : runs[0];
    return { ...best, timed };
  };
  const kerasBest = (cases) => {
    const runs = [...new Set([1, cores])].map((threads) => ({ threads, ...kerasTimes(cases, threads) }));
    const timed = runs.filter((t) => t.seconds);
    if (!timed.length) return runs[0];
    const best = (i) => Math.min(...timed.map((t) => t.seconds[i] ?? Number.POSITIVE_INFINITY));
    return { keras: timed[0].keras, seconds: cases.map((_, i) => (Number.isFinite(best(i)) ? best(i) : undefined)) };
  };
  const torch = torchBest(torchCases);
  const keras = kerasBest(torchCases);
  if (keras.skipped) console.log(`Keras: ${keras.skipped}`);
  if (torch.skipped) console.log(`PyTorch: ${torch.skipped}`);
  rows.forEach((r, i) => {
    r.torch = torch.seconds?.[i];
    r.keras = keras.seconds?.[i];
    for (const t of torch.timed) r[torchKey(t.threads)] = t.seconds[i];
  });
  // Jena shapes: LSTM 16 and Flatten → Dense 16 relu → Dense 1 on 120 steps × 14 features,
  // batch 256, generated batches. The engine, PyTorch and Keras take turns, five rounds, so
  // that all see the same machine (a shared machine's speed drifts over minutes); the medians
  // of the rounds count, and each round's own ratios are printed (both sides of a round saw
  // about the same machine). Seconds per batch.
  const jenaBatches = quick ? 2 : 20;
  const jena = data(256 * jenaBatches, 120, 14, 3);
  const jenaModels = [
    { cell: 'lstm', config: 'Jena (LSTM 16, 120×14, b256) s/batch', flops: lstmBatchFlops(256, 120, 14, 16) },
    { cell: 'dense', config: 'Jena (Flatten→Dense 16, b256) s/batch', flops: denseBatchFlops(256, 120 * 14, 16) },
  ];
  const jenaCase = (cell) => ({
    cell,
    batch: 256,
    windows: 256 * jenaBatches,
    steps: 120,
    features: 14,
    units: [16],
    batches: jenaBatches,
  });
  for (const m of jenaModels) m.rounds = { fast: [], torch: [], keras: [], [torchKey(1)]: [], [torchKey(cores)]: [] };
  for (let round = 0; round < (quick ? 1 : 5); round++) {
    for (const m of jenaModels) {
      const { rounds } = m;
      rounds.fast.push((await timeEpoch('fast', m.cell, jena, [16], 256, jenaBatches)) / jenaBatches);
      const t = torchBest([jenaCase(m.cell)]);
      if (t.seconds) rounds.torch.push(t.seconds[0] / jenaBatches);
      for (const r of t.timed) rounds[torchKey(r.threads)].push(r.seconds[0] / jenaBatches);
      const k = kerasBest([jenaCase(m.cell)]);
      if (k.seconds?.[0]) rounds.keras.push(k.seconds[0] / jenaBatches);
      process.stdout.write('.');
    }
  }
  const jenaRows = [];
  for (const m of jenaModels) {
    const row = {
      config: m.config,
      cell: m.cell,
      batch: 256,
      tfjs: (await timeEpoch('tfjs', m.cell, jena, [16], 256, 1)) / jenaBatches,
      rounds: m.rounds,
      flops: m.flops,
    };
    for (const [k, v] of Object.entries(m.rounds)) if (v.length) row[k] = median(v);
    rows.push(row);
    jenaRows.push(row);
  }
  console.log();
  console.log(
    `backend: ${backend} · engine: ${L.enginePrecision()}, up to ${Number(process.env.RNN_ENGINE_THREADS) || os.cpus().length} threads for large batches · torch: ${torch.torch ?? torch.skipped} · keras: ${keras.keras ?? keras.skipped} (PyTorch and Keras: the faster of 1 and ${cores} threads per row)\n`,
  );
  console.log(
    'config                                 cell    batch   engine s   tfjs s     torch s    keras s    engine vs tfjs  engine vs torch  engine vs keras',
  );
  for (const r of rows) {
    console.log(
      `${r.config.padEnd(38)} ${r.cell.padEnd(7)} ${String(r.batch).padStart(5)}   ${fmt(r.fast).padEnd(10)} ${fmt(r.tfjs).padEnd(10)} ${fmt(r.torch).padEnd(10)} ${fmt(r.keras).padEnd(10)} ${ratio(r.fast, r.tfjs).padStart(14)}  ${ratio(r.fast, r.torch).padStart(15)}  ${ratio(r.fast, r.keras).padStart(15)}`,
    );
  }
  const fmtRounds = (v) => (v.length ? v.map((x) => x.toFixed(4)).join(' / ') : '—');
  const fmtRatios = (v) => `${v.map((x) => `${x.toFixed(2)}×`).join(' / ')} (median ${median(v).toFixed(2)}×)`;
  // distance to the limit: the achieved GFLOP/s of Jena's batches against the probe's rate
  const probe = await probeGflops();
  const limit = (g) =>
    g === undefined
      ? '—'
      : `${g.toFixed(2)} GFLOP/s = ${((100 * g) / probe).toFixed(1)} % of one core, ${((100 * g) / (probe * cores)).toFixed(1)} % of ${cores}`;
  console.log(
    `\nprobe: float32 SIMD multiply-add (WebAssembly f32x4) ${probe.toFixed(1)} GFLOP/s per core, ${(probe * cores).toFixed(1)} on ${cores} cores`,
  );
  for (const row of jenaRows) {
    const { rounds } = row;
    console.log(
      `\n${row.config} rounds (s/batch, taking turns): engine ${fmtRounds(rounds.fast)} · PyTorch best ${fmtRounds(rounds.torch)} · Keras best ${fmtRounds(rounds.keras)}`,
    );
    if (rounds.torch.length) {
      row.roundRatios = rounds.fast.map((f, i) => rounds.torch[i] / f);
      console.log(`  engine vs PyTorch per round: ${fmtRatios(row.roundRatios)}`);
    }
    if (rounds.torch.length && rounds.keras.length) {
      row.roundRatiosBest = rounds.fast.map((f, i) => Math.min(rounds.torch[i], rounds.keras[i]) / f);
      console.log(`  engine vs the faster of PyTorch and Keras per round: ${fmtRatios(row.roundRatiosBest)}`);
    }
    const gflops = (sec) => (sec ? row.flops / sec / 1e9 : undefined);
    row.probeGflopsPerCore = probe;
    row.gflops = { fast: gflops(row.fast), torch: gflops(row.torch), keras: gflops(row.keras) };
    console.log(
      `  ${(row.flops / 1e6).toFixed(0)} MFLOP a batch: engine ${limit(row.gflops.fast)} · PyTorch ${limit(row.gflops.torch)} · Keras ${limit(row.gflops.keras)}`,
    );
  }
  const practice = rows
    .filter((r) => r.batch === 1 && r.config.startsWith('documento 000'))
    .reduce((s, r) => s + r.fast * 200, 0);
  if (cells.length === 4 && batchSizes.includes(1))
    console.log(
      `\npractice of documento 000 (4 networks × 200 epochs, batch 1, 2980 windows) with the engine: ~${practice.toFixed(0)} s`,
    );
  const file = path.join(
    __dirname,
    'results',
    `bench-${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`,
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), quick, backend, torch: torch.torch ?? torch.skipped, keras: keras.keras ?? keras.skipped, rows, practiceSeconds: practice }, null, 2)}\n`,
  );
  console.log(`written ${path.relative(process.cwd(), file)}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
