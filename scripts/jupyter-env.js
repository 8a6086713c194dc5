// Project-local Jupyter environment shared by the notebook runner and `npm run lab`:
// the committed tslab kernelspec (jupyter/kernels/tslab), Jupyter's config/data/runtime
// folders under build/jupyter (nothing written to ~), node_modules/.bin on PATH so the
// kernelspec's `tslab` resolves, the RNN_* folders made absolute, and a Python that has Jupyter.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');

/** The Python of the project's environment (.venv/), whether or not it exists yet. */
function venvPython() {
  return process.platform === 'win32'
    ? path.join(root, '.venv', 'Scripts', 'python.exe')
    : path.join(root, '.venv', 'bin', 'python');
}

/** Environment variables for a Jupyter process that uses only project-local folders. */
function jupyterEnv(base = process.env) {
  const state = path.join(root, 'build', 'jupyter');
  const env = { ...base };
  env.JUPYTER_PATH = [path.join(root, 'jupyter'), base.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  env.JUPYTER_CONFIG_DIR = path.join(state, 'config');
  env.JUPYTER_DATA_DIR = path.join(state, 'data');
  env.JUPYTER_RUNTIME_DIR = path.join(state, 'runtime');
  env.IPYTHONDIR = path.join(state, 'ipython');
  env.JUPYTER_PLATFORM_DIRS = '1';
  env.PATH = [path.join(root, 'node_modules', '.bin'), base.PATH].filter(Boolean).join(path.delimiter);
  // JupyterLab's language-server extension asks `npm prefix --global`, which logs to ~/.npm
  env.npm_config_logs_dir = path.join(state, 'npm-logs');
  env.npm_config_cache = path.join(state, 'npm-cache');
  // Folders are given relative to where the command runs (npm runs scripts in the project
  // root), but the kernel runs in the notebook's folder, where they would name another one.
  for (const name of ['RNN_DATA_DIR', 'RNN_CACHE_DIR', 'RNN_OUT_DIR']) {
    if (env[name]) env[name] = path.resolve(env[name]);
  }
  for (const dir of [env.JUPYTER_CONFIG_DIR, env.JUPYTER_DATA_DIR, env.JUPYTER_RUNTIME_DIR, env.IPYTHONDIR]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  return env;
}

/**
 * Looks for a Python that can import every module in `modules`: only $RNN_PYTHON when it
 * is set (a typo there must not fall back silently to another Python), else the project's
 * environment (.venv, made by `npm install` from requirements.txt), /usr/bin/python3
 * (Debian's Jupyter), python3, python. Returns `{ python, tried }`:
 * `python` is null when none can, and `tried` says why each candidate was refused.
 */
function searchPython(modules) {
  const candidates = process.env.RNN_PYTHON
    ? [process.env.RNN_PYTHON]
    : [venvPython(), '/usr/bin/python3', 'python3', 'python'];
  const probe = modules.map((m) => `import ${m}`).join('; ');
  const tried = [];
  for (const exe of candidates) {
    const r = spawnSync(exe, ['-c', probe], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status === 0) return { python: exe, tried };
    let reason;
    if (r.error) reason = r.error.code === 'ENOENT' ? 'not found' : r.error.message;
    else {
      const missing = /No module named '([^']+)'/.exec(r.stderr || '');
      const last = (r.stderr || '').trim().split('\n').pop();
      reason = missing ? `has no ${missing[1]}` : `exit status ${r.status}: ${last}`;
    }
    tried.push({ python: exe, reason });
  }
  return { python: null, tried };
}

/** The first Python that can import every module in `modules` (see searchPython), or null. */
function findPython(modules) {
  return searchPython(modules).python;
}

module.exports = { root, venvPython, jupyterEnv, findPython, searchPython };
