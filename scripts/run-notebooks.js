#!/usr/bin/env node
// The main job: `npm run notebooks [-- notebooks/01-….ipynb …]` executes the notebooks
// headless with the tslab kernel and writes out/<name>.ipynb, out/<name>.html and
// out/summary.json. Quick mode (RNN_QUICK=1) is passed through, never set here.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { root, jupyterEnv, findPython } = require('./jupyter-env');

function main(argv) {
  const args = argv.filter((a) => !a.startsWith('--'));
  const notebooksDir = path.join(root, 'notebooks');
  const notebooks = args.length
    ? args.map((a) => path.resolve(a))
    : fs.readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join(notebooksDir, f));
  if (notebooks.length === 0) {
    console.error(`No notebooks to run in ${notebooksDir}.`);
    return 2;
  }
  const python = findPython(['nbclient', 'nbconvert', 'nbformat']);
  if (!python) {
    console.error(
      'No Python with Jupyter found (tried $RNN_PYTHON, /usr/bin/python3, python3, python).\n' +
        'Install Jupyter with one of:\n' +
        '  pip install nbclient nbconvert ipykernel        (or: conda install nbclient nbconvert)\n' +
        '  sudo apt-get install python3-nbclient jupyter-nbconvert jupyter-client python3-ipykernel\n' +
        'or point RNN_PYTHON at a Python that has them.',
    );
    return 2;
  }
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) {
    console.error('The library is not built (dist/index.js missing): run `npm run build` (npm install does it).');
    return 2;
  }
  const outDir = process.env.RNN_OUT_DIR ? path.resolve(process.env.RNN_OUT_DIR) : path.join(root, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const env = jupyterEnv();
  env.RNN_OUT_DIR = outDir;
  if (env.RNN_QUICK) console.log(`Quick mode on (RNN_QUICK=${env.RNN_QUICK}): reduced settings, for CI only.`);
  const r = spawnSync(python, [path.join(__dirname, 'run_notebooks.py'), '--out', outDir, ...notebooks], {
    env,
    stdio: 'inherit',
  });
  if (r.error) {
    console.error(`Could not start ${python}: ${r.error.message}`);
    return 2;
  }
  return r.status === null ? 1 : r.status;
}

process.exitCode = main(process.argv.slice(2));
