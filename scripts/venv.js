#!/usr/bin/env node
// The project's Python environment, .venv/, made from requirements.txt: the Jupyter that
// runs (nbclient, nbconvert), shows (JupyterLab) and grades (nbgrader) the notebooks.
//
//   node scripts/venv.js           create or refresh .venv (run by `npm install`)
//   node scripts/venv.js --lock    rewrite requirements.txt from requirements.in
//
// Idempotent: .venv/rnn-requirements.sha256 records what it was built from (requirements.txt
// and the Python's version); when they match there is nothing to do. Without a Python ≥ 3.9
// with venv, or without the package index, it says so in one paragraph and exits 0 so the rest
// of `npm install` succeeds (the runner then looks for a Jupyter on PATH). RNN_REQUIRE_VENV=1
// (CI) makes those cases fail instead. Nothing is written outside the project: pip's cache is
// build/pip-cache, its log .venv/pip-install.log.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { root, venvPython } = require('./jupyter-env');

const MIN_PYTHON = [3, 9];
const venvDir = path.join(root, '.venv');
const requirements = path.join(root, 'requirements.txt');
const stampFile = path.join(venvDir, 'rnn-requirements.sha256');
const logFile = path.join(venvDir, 'pip-install.log');
const required = process.env.RNN_REQUIRE_VENV === '1';

/** Stops with one paragraph: an error under RNN_REQUIRE_VENV=1, otherwise a notice and exit 0. */
function giveUp(paragraph) {
  const text = paragraph.replace(/\s+/g, ' ').trim();
  console.error(`\nPython environment not set up: ${text}\n`);
  process.exit(required ? 1 : 0);
}

/** Python's version as [major, minor, micro], or null when `exe` does not run. */
function pythonVersion(exe) {
  const r = spawnSync(exe, ['-c', 'import sys; print(*sys.version_info[:3])'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return r.stdout.trim().split(' ').map(Number);
}

/** The first Python ≥ 3.9 that has venv and ensurepip: $RNN_PYTHON alone when set. */
function basePython() {
  const candidates = process.env.RNN_PYTHON ? [process.env.RNN_PYTHON] : ['python3', '/usr/bin/python3', 'python'];
  const refused = [];
  for (const exe of candidates) {
    const version = pythonVersion(exe);
    if (!version) {
      refused.push(`${exe} (not found)`);
      continue;
    }
    const [major, minor] = version;
    if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
      refused.push(`${exe} (Python ${version.join('.')}, older than ${MIN_PYTHON.join('.')})`);
      continue;
    }
    const venv = spawnSync(exe, ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
    if (venv.status !== 0) {
      refused.push(`${exe} (Python ${version.join('.')} without the venv module: apt-get install python3-venv)`);
      continue;
    }
    return { exe, version };
  }
  return giveUp(
    `no Python ${MIN_PYTHON.join('.')} or newer with the venv module was found — tried ${refused.join(', ')}.
     Install one (Debian/Ubuntu: sudo apt-get install python3 python3-venv) and run npm install again,
     or set RNN_PYTHON to a Python's path. Everything else is installed; until then npm run notebooks
     and npm run lab use a Jupyter found on PATH, if there is one.`,
  );
}

/** What the environment is built from: the lock file's bytes and the Python version. */
function fingerprint(version) {
  return crypto
    .createHash('sha256')
    .update(fs.readFileSync(requirements))
    .update(`python ${version.slice(0, 2).join('.')}`)
    .digest('hex');
}

/** Runs pip in the environment, its output appended to the log; returns spawnSync's result. */
function pip(args) {
  const env = { ...process.env, PIP_CACHE_DIR: path.join(root, 'build', 'pip-cache'), PYTHONNOUSERSITE: '1' };
  const r = spawnSync(venvPython(), ['-m', 'pip', ...args], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  fs.appendFileSync(logFile, `$ pip ${args.join(' ')}\n${r.stdout || ''}${r.stderr || ''}\n`);
  return r;
}

/** One paragraph from pip's failure: the index unreachable, or pip's own last error line. */
function pipFailure(r, what) {
  const out = `${r.stdout || ''}\n${r.stderr || ''}`;
  const unreachable =
    /(Could not fetch URL|Failed to establish a new connection|Name or service not known|Temporary failure in name resolution|Network is unreachable|ConnectTimeout|ReadTimeout|No matching distribution found)/i.exec(
      out,
    );
  const errorLine =
    out
      .split('\n')
      .filter((l) => /^ERROR:/.test(l))
      .pop() || out.trim().split('\n').pop();
  const cause = unreachable
    ? `the package index could not be reached or does not have a pinned package (pip: ${errorLine})`
    : `pip failed (${errorLine})`;
  return giveUp(
    `${what}: ${cause}. The full log is ${path.relative(root, logFile)}. Everything else is installed; run
     npm install again when the package index (PyPI) is reachable. Until then npm run notebooks and
     npm run lab use a Jupyter found on PATH, if there is one.`,
  );
}

function setUp() {
  if (!fs.existsSync(requirements)) giveUp(`${requirements} is missing.`);
  const python = basePython();
  const wanted = fingerprint(python.version);
  const current = pythonVersion(venvPython());
  if (current && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === wanted) {
    console.log(`Python environment .venv is up to date with requirements.txt (Python ${current.join('.')}).`);
    return;
  }
  const started = Date.now();
  const sameMinor = current && current[0] === python.version[0] && current[1] === python.version[1];
  process.stdout.write(
    `${sameMinor ? 'Refreshing' : 'Creating'} the Python environment .venv from requirements.txt ` +
      `(Python ${python.version.join('.')}: JupyterLab, nbclient, nbconvert, nbgrader)… `,
  );
  if (!sameMinor) {
    fs.rmSync(venvDir, { recursive: true, force: true });
    const made = spawnSync(python.exe, ['-m', 'venv', venvDir], { encoding: 'utf8' });
    if (made.status !== 0) {
      fs.rmSync(venvDir, { recursive: true, force: true });
      giveUp(`${python.exe} -m venv .venv failed: ${(made.stderr || '').trim().split('\n').pop()}`);
    }
  }
  fs.rmSync(stampFile, { force: true });
  const r = pip(['install', '--disable-pip-version-check', '--no-input', '-r', requirements]);
  if (r.status !== 0) pipFailure(r, 'installing requirements.txt into .venv failed');
  const tmp = `${stampFile}.tmp`;
  fs.writeFileSync(tmp, `${wanted}\n`);
  fs.renameSync(tmp, stampFile);
  console.log(`done in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/** Rewrites requirements.txt: requirements.in installed into a fresh scratch environment, frozen. */
function lock() {
  const python = basePython();
  const scratch = path.join(root, 'build', 'venv-lock');
  fs.rmSync(scratch, { recursive: true, force: true });
  const made = spawnSync(python.exe, ['-m', 'venv', scratch], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(1);
  const py = path.join(scratch, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  const env = { ...process.env, PIP_CACHE_DIR: path.join(root, 'build', 'pip-cache'), PYTHONNOUSERSITE: '1' };
  const inst = spawnSync(py, ['-m', 'pip', 'install', '-r', path.join(root, 'requirements.in')], {
    stdio: 'inherit',
    env,
  });
  if (inst.status !== 0) process.exit(1);
  const frozen = spawnSync(py, ['-m', 'pip', 'freeze', '--all'], { encoding: 'utf8', env });
  if (frozen.status !== 0) process.exit(1);
  const pins = frozen.stdout
    .split('\n')
    .filter((l) => l && !/^(pip|setuptools|wheel)==/.test(l))
    .join('\n');
  const header =
    "# Generated from requirements.in (pip freeze in a fresh .venv): every package the project's\n" +
    '# Python environment holds, pinned. Regenerate with: npm run venv -- --lock\n';
  fs.writeFileSync(`${requirements}.tmp`, `${header}${pins}\n`);
  fs.renameSync(`${requirements}.tmp`, requirements);
  fs.rmSync(scratch, { recursive: true, force: true });
  console.log(`requirements.txt rewritten: ${pins.split('\n').length} packages.`);
}

if (process.argv.includes('--lock')) lock();
else setUp();
