#!/usr/bin/env node
// The classroom commands (nbgrader), run with the project's Python environment and Jupyter folders:
//
//   npm run assignments                 student versions of notebooks 01–06 in course/release/
//   npm run grade -- <folder> [options] autograde the submissions in <folder>, write grades.csv
//                                        and one feedback HTML per student and notebook
//   npm run nbgrader -- <args…>         nbgrader itself on the course (e.g. `-- db student list`)
//
// The work is done by scripts/classroom/classroom.py; `npm run grade -- --help` lists the options.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { root, jupyterEnv, searchPython } = require('./jupyter-env');

const [command, ...args] = process.argv.slice(2);
if (!['assignments', 'grade', 'nbgrader'].includes(command)) {
  console.error('usage: node scripts/classroom.js assignments|grade|nbgrader [arguments…]');
  process.exit(2);
}
const { python, tried } = searchPython(['nbgrader', 'nbclient']);
if (!python) {
  console.error(
    'No Python with nbgrader found (' +
      tried.map((t) => `${t.python}: ${t.reason}`).join('; ') +
      '). `npm install` puts nbgrader in the project environment .venv from requirements.txt when a ' +
      'Python ≥ 3.9 with venv and the package index are available: run `npm run venv` to retry and see why not.',
  );
  process.exit(2);
}
const argv =
  command === 'nbgrader'
    ? ['-m', 'nbgrader', ...args]
    : [path.join(root, 'scripts', 'classroom', 'classroom.py'), command, ...args];
const env = jupyterEnv();
// nbgrader runs `alembic` (its database migrations) from PATH: the environment's bin/ first.
env.PATH = [path.dirname(python), env.PATH].join(path.delimiter);
const r = spawnSync(python, argv, { cwd: root, env, stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
