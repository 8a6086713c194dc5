#!/usr/bin/env node
// `npm run lab`: JupyterLab (or the classic Notebook) on notebooks/ with the tslab
// kernel, using only project-local Jupyter folders. `npm run lab -- --course` opens the project
// root instead, where nbgrader finds the course (course/, nbgrader_config.py): the instructor's
// Nbgrader menu, formgrader included (its course must lie inside the server's folder).
// Bound to 127.0.0.1 with token authentication kept on: a notebook server runs arbitrary code
// for whoever reaches it.
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
const args = process.argv.slice(2);
const course = args.includes('--course');
const folder = course ? root : path.join(root, 'notebooks');
console.log(`Starting ${chosen.name} (${chosen.python}) on ${folder} with the tslab kernel…`);
if (course) console.log('Course mode: Nbgrader ▸ Formgrader manages course/ (see README, "Classroom").');
const r = spawnSync(
  chosen.python,
  [
    '-m',
    chosen.module,
    '--ip=127.0.0.1',
    '--no-browser',
    `--notebook-dir=${folder}`,
    // Jupyter refuses to start as root (containers, CI machines) unless told.
    ...(process.getuid && process.getuid() === 0 ? ['--allow-root'] : []),
    ...args.filter((a) => a !== '--course'),
  ],
  // cwd: formgrader reads nbgrader_config.py from the folder the server was started in
  { cwd: root, env: jupyterEnv(), stdio: 'inherit' },
);
process.exit(r.status === null ? 1 : r.status);
