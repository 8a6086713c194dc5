#!/usr/bin/env node
// `npm run lab`: JupyterLab (or the classic Notebook) on notebooks/ with the tslab
// kernel, using only project-local Jupyter folders. Bound to 127.0.0.1 with token
// authentication kept on: a notebook server runs arbitrary code for whoever reaches it.
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { root, jupyterEnv, findPython } = require('./jupyter-env');

const apps = [
  { module: 'jupyterlab', name: 'JupyterLab' },
  { module: 'notebook', name: 'Jupyter Notebook' },
];
let chosen = null;
for (const app of apps) {
  const python = findPython([app.module]);
  if (python) {
    chosen = { ...app, python };
    break;
  }
}
if (!chosen) {
  console.error(
    "Neither JupyterLab nor Jupyter Notebook is installed for any Python found (the project's .venv, " +
      '/usr/bin/python3, python3, python; only $RNN_PYTHON when it is set).\n' +
      'npm install sets up JupyterLab in .venv from requirements.txt when a Python ≥ 3.9 with venv and\n' +
      'the package index are available: run `npm run venv` to retry and see why it could not.',
  );
  process.exit(2);
}
console.log(`Starting ${chosen.name} (${chosen.python}) on ${path.join(root, 'notebooks')} with the tslab kernel…`);
const r = spawnSync(
  chosen.python,
  [
    '-m',
    chosen.module,
    '--ip=127.0.0.1',
    '--no-browser',
    `--notebook-dir=${path.join(root, 'notebooks')}`,
    // Jupyter refuses to start as root (containers, CI machines) unless told.
    ...(process.getuid && process.getuid() === 0 ? ['--allow-root'] : []),
    ...process.argv.slice(2),
  ],
  { env: jupyterEnv(), stdio: 'inherit' },
);
process.exit(r.status === null ? 1 : r.status);
