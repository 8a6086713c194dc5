#!/usr/bin/env node
// The main job: `npm run notebooks [-- notebooks/01-….ipynb …]` executes the notebooks
// headless with the tslab kernel and writes out/<name>.ipynb, out/<name>.html and
// out/summary.json. Quick mode (RNN_QUICK=1) is passed through, never set here.
// Every setting is checked before the first notebook runs (exit 2 with the reason).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { root, jupyterEnv, searchPython } = require('./jupyter-env');

const USAGE =
  'Usage: node scripts/run-notebooks.js [notebook.ipynb …]   (npm run notebooks [-- notebook.ipynb …])\n' +
  'Without arguments it runs every notebook in notebooks/. Settings are environment variables\n' +
  '(RNN_OUT_DIR, RNN_QUICK, RNN_CELL_TIMEOUT, RNN_PYTHON, …), see environment.md.';

// RNN_QUICK is read by the library's own rule (npm run notebooks builds dist/ first); run_notebooks.py
// repeats the same words for when it is run on its own.
const { isQuickMode } = require('../dist/runtime/params');

/** A problem with the settings: printed as is, exit status 2, nothing run. */
class SettingError extends Error {}

/** `env[name]` as a whole number ≥ `min`, or `fallback` when unset or empty. */
function wholeNumber(env, name, fallback, min, unit) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < min) {
    const range = min === 0 ? '≥ 0' : `above ${min - 1}`;
    throw new SettingError(
      `${name}="${raw}" is not a number of ${unit}: use a whole number ${range} (default ${fallback}), or unset it.`,
    );
  }
  return Number(raw);
}

function quickMode() {
  try {
    return isQuickMode();
  } catch (err) {
    throw new SettingError(err.message);
  }
}

function realpath(p) {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Checks the output folder before anything runs: creates it if missing, proves it is
 * writable with a probe file, and refuses a folder that holds one of the notebooks (the
 * executed copy, <out>/<name>.ipynb, would overwrite the source).
 */
function checkOutDir(outDir, fromEnv, notebooks) {
  const label = `The output folder ${outDir}${fromEnv ? ' (RNN_OUT_DIR)' : ''}`;
  const fix = 'set RNN_OUT_DIR to a folder you can write (it is created if missing)';
  let stat = null;
  try {
    stat = fs.statSync(outDir);
  } catch (err) {
    // Missing, or under a file (ENOTDIR): mkdir below says which.
    if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') {
      throw new SettingError(`${label} cannot be used (${err.message}): ${fix}.`);
    }
  }
  if (stat && !stat.isDirectory()) throw new SettingError(`${label} is a file, not a folder: ${fix}.`);
  try {
    fs.mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new SettingError(`${label} cannot be created (${err.message}): ${fix}.`);
  }
  const probe = path.join(outDir, `.write-check-${process.pid}.tmp`);
  try {
    fs.writeFileSync(probe, '');
  } catch (err) {
    throw new SettingError(`${label} is not writable (${err.message}): ${fix}.`);
  } finally {
    fs.rmSync(probe, { force: true });
  }
  const real = realpath(outDir);
  for (const nb of notebooks) {
    if (nb.endsWith('.ipynb') && realpath(path.dirname(nb)) === real) {
      throw new SettingError(
        `${label} holds the notebook ${nb}: its executed copy would overwrite it. ` +
          'Set RNN_OUT_DIR to another folder (default out/).',
      );
    }
  }
}

function pythonError(search) {
  const needs = 'nbclient, nbconvert and nbformat';
  if (process.env.RNN_PYTHON) {
    return (
      `RNN_PYTHON=${process.env.RNN_PYTHON} cannot be used (${search.tried[0].reason}): point it at a Python ` +
      `that has ${needs}, or unset it to use /usr/bin/python3, python3 or python.`
    );
  }
  return (
    `No Python with Jupyter found (${search.tried.map((t) => `${t.python}: ${t.reason}`).join('; ')}).\n` +
    'Install Jupyter with one of:\n' +
    '  pip install nbclient nbconvert ipykernel        (or: conda install nbclient nbconvert)\n' +
    '  sudo apt-get install python3-nbclient jupyter-nbconvert jupyter-client python3-ipykernel\n' +
    `or point RNN_PYTHON at a Python that has ${needs}.`
  );
}

function main(argv) {
  const args = [];
  for (const a of argv) {
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    }
    if (a === '--') continue;
    if (a.startsWith('-')) {
      throw new SettingError(
        `Unknown option ${a}: run-notebooks.js takes notebook files only; settings are environment variables.\n` +
          USAGE,
      );
    }
    args.push(a);
  }
  const notebooksDir = path.join(root, 'notebooks');
  const notebooks = args.length
    ? args.map((a) => path.resolve(a))
    : fs
        .readdirSync(notebooksDir)
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
        .map((f) => path.join(notebooksDir, f));
  if (notebooks.length === 0) throw new SettingError(`No notebooks to run in ${notebooksDir}.`);
  wholeNumber(process.env, 'RNN_CELL_TIMEOUT', 3600, 1, 'seconds');
  wholeNumber(process.env, 'RNN_SETTLE_MS', 150, 0, 'milliseconds');
  const quick = quickMode();
  const fromEnv = Boolean(process.env.RNN_OUT_DIR);
  const outDir = fromEnv ? path.resolve(process.env.RNN_OUT_DIR) : path.join(root, 'out');
  checkOutDir(outDir, fromEnv, notebooks);
  const search = searchPython(['nbclient', 'nbconvert', 'nbformat']);
  if (!search.python) throw new SettingError(pythonError(search));
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) {
    throw new SettingError('The library is not built (dist/index.js missing): run `npm run build` (npm install does).');
  }
  const env = jupyterEnv();
  env.RNN_OUT_DIR = outDir;
  env.RNN_NODE = process.execPath; // KaTeX typesets the exported HTML's formulas in Node
  if (quick) console.log(`Quick mode on (RNN_QUICK=${env.RNN_QUICK}): reduced settings, for CI only.`);
  const script = path.join(__dirname, 'run_notebooks.py');
  const r = spawnSync(search.python, ['-B', script, '--out', outDir, ...notebooks], { env, stdio: 'inherit' });
  if (r.error) {
    console.error(`Could not start ${search.python}: ${r.error.message}`);
    return 2;
  }
  return r.status === null ? 1 : r.status;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof SettingError)) throw err;
  console.error(err.message);
  process.exitCode = 2;
}
