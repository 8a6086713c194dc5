// The project's Python environment (scripts/venv.js, run by `npm install`) and `npm run lab`.
// venv.js runs on a copy of scripts/ in a scratch project, so the real .venv is never touched.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../support/runner';

/** A scratch project: scripts/venv.js and scripts/jupyter-env.js beside the given requirements.txt. */
function scratchProject(requirements: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-venv-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  for (const f of ['venv.js', 'jupyter-env.js']) {
    fs.copyFileSync(path.join(root, 'scripts', f), path.join(dir, 'scripts', f));
  }
  fs.writeFileSync(path.join(dir, 'requirements.txt'), requirements);
  return dir;
}

function venv(dir: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(dir, 'scripts', 'venv.js')], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, RNN_REQUIRE_VENV: '', ...env },
    timeout: 300_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

// A package the machine's pip can take (PyPI or its local wheels), small and pure Python.
const SMALL = 'six==1.16.0\n';
const hasPython = spawnSync('python3', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' }).status === 0;

describe('the project Python environment (scripts/venv.js)', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it.skipIf(!hasPython)(
    'is created once, then left alone until requirements.txt changes',
    {
      timeout: 300_000,
    },
    () => {
      const dir = scratchProject(SMALL);
      made.push(dir);
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-home-'));
      made.push(home);
      const first = venv(dir, { HOME: home });
      expect(first.status, first.out).toBe(0);
      expect(first.out).toMatch(/Creating the Python environment \.venv from requirements\.txt .* done in \d+ s\./);
      const py = path.join(dir, '.venv', 'bin', 'python');
      expect(spawnSync(py, ['-c', 'import six; print(six.__version__)'], { encoding: 'utf8' }).stdout.trim()).toBe(
        '1.16.0',
      );
      const stamp = fs.readFileSync(path.join(dir, '.venv', 'rnn-requirements.sha256'), 'utf8');

      const again = venv(dir);
      expect(again.status).toBe(0);
      expect(again.out.trim()).toMatch(/^Python environment \.venv is up to date with requirements\.txt/);
      expect(again.out).not.toMatch(/Creating|Refreshing/);

      fs.writeFileSync(path.join(dir, 'requirements.txt'), `${SMALL}# changed\n`);
      const refreshed = venv(dir);
      expect(refreshed.status, refreshed.out).toBe(0);
      expect(refreshed.out).toMatch(/Refreshing the Python environment/);
      expect(fs.readFileSync(path.join(dir, '.venv', 'rnn-requirements.sha256'), 'utf8')).not.toBe(stamp);
      // nothing written outside the project (pip's cache is build/pip-cache); this machine's
      // toolchain shims may leave ~/.rustup/settings.toml under a fresh HOME, which is not ours
      expect(fs.readdirSync(home).filter((f) => f !== '.rustup')).toEqual([]);
    },
  );

  it('without Python says so in one paragraph and lets the install go on; CI can make it fatal', () => {
    const dir = scratchProject(SMALL);
    made.push(dir);
    const missing = path.join(dir, 'no-such-python');
    const r = venv(dir, { RNN_PYTHON: missing });
    expect(r.status).toBe(0);
    const paragraphs = r.out.trim().split(/\n\s*\n/);
    expect(paragraphs).toHaveLength(1);
    expect(r.out).toContain(`Python environment not set up: no Python 3.9 or newer with the venv module was found`);
    expect(r.out).toContain(`${missing} (not found)`);
    expect(r.out).toMatch(/apt-get install python3 python3-venv/);
    expect(fs.existsSync(path.join(dir, '.venv'))).toBe(false);
    expect(venv(dir, { RNN_PYTHON: missing, RNN_REQUIRE_VENV: '1' }).status).toBe(1);
  });

  it.skipIf(!hasPython)(
    'without the package index says so, keeps no stamp, and a later run tries again',
    {
      timeout: 300_000,
    },
    () => {
      const dir = scratchProject('rnn-notebooks-no-such-package==0.0.1\n');
      made.push(dir);
      // pip with no configuration at all, pointed at a closed loopback port
      const offline = {
        PIP_CONFIG_FILE: os.devNull,
        PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
        PIP_FIND_LINKS: '',
        PIP_EXTRA_INDEX_URL: '',
        PIP_RETRIES: '0',
        PIP_TIMEOUT: '2',
      };
      const r = venv(dir, offline);
      expect(r.status, r.out).toBe(0);
      expect(r.out).toMatch(
        /Python environment not set up: installing requirements\.txt into \.venv failed: the package index could not be reached/,
      );
      expect(r.out).toContain('.venv/pip-install.log');
      expect(fs.existsSync(path.join(dir, '.venv', 'rnn-requirements.sha256'))).toBe(false);
      const again = venv(dir, offline);
      expect(again.out).toMatch(/Refreshing the Python environment/);
    },
  );
});

describe.skipIf(!fs.existsSync(path.join(root, '.venv', 'bin', 'python')))('npm run lab', () => {
  let lab: ChildProcess | undefined;
  afterAll(() => {
    if (lab?.pid && lab.exitCode === null) process.kill(-lab.pid, 'SIGKILL');
  });

  it('serves JupyterLab 4 on localhost with a token and the tslab kernel, writing nothing to ~', {
    timeout: 120_000,
  }, async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-home-'));
    const port = 20000 + (process.pid % 20000);
    lab = spawn(process.execPath, [path.join(root, 'scripts', 'lab.js'), `--ServerApp.port=${port}`], {
      cwd: root,
      env: { ...process.env, HOME: home },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    lab.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    lab.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 90_000;
    let url: RegExpExecArray | null = null;
    while (!url && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      url = /http:\/\/127\.0\.0\.1:(\d+)\/lab\?token=([0-9a-f]+)/.exec(log);
    }
    expect(url, log).not.toBeNull();
    const [, shownPort, token] = url!;
    expect(Number(shownPort)).toBe(port);
    expect(log).toMatch(/Starting JupyterLab \(.*\.venv\/bin\/python\)/);
    const version = await (await fetch(`http://127.0.0.1:${port}/lab/api/settings?token=${token}`)).status;
    expect(version).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/api/kernelspecs`)).status).toBe(403);
    const specs = (await (await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`)).json()) as {
      kernelspecs: Record<string, { spec: { display_name: string; language: string } }>;
    };
    expect(specs.kernelspecs.tslab?.spec.language).toBe('typescript');
    const jl = spawnSync(
      path.join(root, '.venv', 'bin', 'python'),
      ['-c', 'import jupyterlab; print(jupyterlab.__version__)'],
      {
        encoding: 'utf8',
      },
    );
    expect(jl.stdout.trim()).toMatch(/^4\./);
    process.kill(-lab.pid!, 'SIGTERM');
    await new Promise((r) => lab?.on('exit', r));
    expect(fs.readdirSync(home)).toEqual([]);
    fs.rmSync(home, { recursive: true, force: true });
  });
});
