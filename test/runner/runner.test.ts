import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runNotebooks, writeNotebook } from '../support/runner';

const text = (t: string | string[]) => (Array.isArray(t) ? t.join('') : t);
const lib = JSON.stringify(path.join(root, 'dist'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-nb-'));

describe('notebook runner', () => {
  it('runs a passing notebook: numbered cells, collapsed progress line, html, metrics, summary', async () => {
    const nb = writeNotebook(tmp, 'ok', [
      `import { report } from ${lib};\nconsole.log("hola");`,
      'process.stdout.write("época 1/3\\répoca 2/3\\répoca 3/3\\n"); console.log("fin");',
      'report({ mse: 0.5 });',
    ]);
    const r = await runNotebooks([nb]);
    expect(r.stdout).toContain('1 passed, 0 failed');
    expect(r.status).toBe(0);
    const out = JSON.parse(fs.readFileSync(path.join(r.outDir, 'ok.ipynb'), 'utf8'));
    expect(out.cells.map((c: { execution_count: number }) => c.execution_count)).toEqual([1, 2, 3]);
    const progress = out.cells[1].outputs;
    expect(progress).toHaveLength(1);
    expect(text(progress[0].text)).toBe('época 3/3\nfin\n');
    expect(fs.readFileSync(path.join(r.outDir, 'ok.html'), 'utf8')).toContain('hola');
    const summary = JSON.parse(fs.readFileSync(path.join(r.outDir, 'summary.json'), 'utf8'));
    expect(summary.notebooks[0]).toMatchObject({ notebook: 'ok', status: 'passed', cells: 3, metrics: { mse: 0.5 } });
  });

  it('talks: each cell with its seconds, the progress line relayed while a cell runs, headline results last', {
    timeout: 120_000,
  }, async () => {
    const nb = writeNotebook(tmp, 'habla', [
      `import { report } from ${lib};`,
      // a training cell of ~12 s that rewrites its progress line every 100 ms, as train() does
      [
        'for (let i = 1; i <= 120; i++) {',
        '  process.stdout.write("\\rModelo · época " + i + "/120 · loss 0.5");',
        '  await new Promise((r) => setTimeout(r, 100));',
        '}',
        'process.stdout.write("\\n");',
      ].join('\n'),
      'report({ "Esquema 1": { "RMSE test": 2.4581 }, difForward: 1e-7, epochs: 200, mse: 0.123456 });',
    ]);
    const r = await runNotebooks([nb]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => /^ {2}\[\d+\] \d+\.\d s$/.test(l)).map((l) => l.trim().split(' ')[0])).toEqual([
      '[1]',
      '[2]',
      '[3]',
    ]);
    const cell2 = Number(/^ {2}\[2\] (\d+\.\d) s$/m.exec(r.stdout)![1]);
    expect(cell2).toBeGreaterThan(10);
    // relayed while cell 2 ran (before its closing line), throttled to one line every 5 s
    const relayed = lines.filter((l) => /^ {6}… Modelo · época \d+\/120 · loss 0\.5$/.test(l));
    expect(relayed.length).toBeGreaterThanOrEqual(1);
    expect(relayed.length).toBeLessThanOrEqual(3);
    expect(lines.indexOf(relayed[0])).toBeLessThan(lines.findIndex((l) => l.startsWith('  [2] ')));
    // the closing table: results (nested keys flattened), then settings; the notebook's own checks left out
    const row = lines.find((l) => l.startsWith('habla '))!;
    expect(row).toMatch(/passed\s+Esquema 1 · RMSE test 2\.458, mse 0\.1235, epochs=200$/);
  });

  it('fails on a type error and prints the real message', async () => {
    const nb = writeNotebook(tmp, 'type-error', ['const x: number = "texto";', 'console.log("never")']);
    const r = await runNotebooks([nb]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Type 'string' is not assignable to type 'number'");
    expect(r.stderr).toContain('const x: number = "texto";');
    expect(r.stdout).toContain('0 passed, 1 failed');
    const partial = JSON.parse(fs.readFileSync(path.join(r.outDir, 'type-error.ipynb'), 'utf8'));
    expect(text(partial.cells[0].outputs[0].text)).toContain('not assignable');
  });

  it('fails on a thrown exception with its message', async () => {
    const nb = writeNotebook(tmp, 'throws', ['console.log(1)', 'throw new Error("fallo de prueba")']);
    const r = await runNotebooks([nb]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error: fallo de prueba');
    expect(r.stderr).toMatch(/cell 2 failed/);
  });

  it('catches an error thrown asynchronously after the cell returned', async () => {
    const nb = writeNotebook(tmp, 'late', [
      'console.log(1)',
      'setTimeout(() => { throw new Error("error tardío") }, 10); 1',
      'console.log("after")',
    ]);
    const r = await runNotebooks([nb]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/✗ late: cell 2 failed\n/);
    expect(r.stderr).toMatch(/Uncaught exception raised asynchronously, in a timer \(setTimeout\) that cell 2 set/);
    expect(r.stderr).toContain('Error: error tardío');
  });

  it('names the cell of an asynchronous error on the wasm backend, whose handlers would kill the kernel', async () => {
    const wasm = `import { initBackend } from ${lib};\nconsole.log(await initBackend("wasm"));`;
    const timer = writeNotebook(tmp, 'wasm-timer', [
      wasm,
      'setTimeout(() => { throw new Error("error tardío") }, 10); 1',
      'console.log("never")',
    ]);
    const reject = writeNotebook(tmp, 'wasm-reject', [wasm, 'void Promise.reject(new Error("rechazo tardío"));']);
    // Set (through an interval) by cell 1, fires once cell 2 started: cell 1 is named, cell 2 is where it was noticed.
    const later = writeNotebook(tmp, 'wasm-later', [
      `${wasm}\nconst t = setInterval(() => { if ((globalThis as any).go) { clearInterval(t);` +
        ' setTimeout(() => { throw new Error("error anidado") }, 10); } }, 20);',
      '(globalThis as any).go = true;\nawait new Promise((r) => setTimeout(r, 1000));',
      'console.log("never")',
    ]);
    const exit = writeNotebook(tmp, 'exits', ['console.log(1)', 'setTimeout(() => process.exit(3), 10); 1', '2']);
    const r = await runNotebooks([timer, reject, later, exit]);
    expect(r.stderr).not.toMatch(/Kernel died\n.*tf-backend-wasm/s);
    expect(r.stderr).toMatch(/✗ wasm-timer: cell 2 failed\n/);
    expect(r.stderr).toMatch(/timer \(setTimeout\) that cell 2 set, after the cell returned:\n\s*Error: error tard/);
    expect(r.stderr).toMatch(/✗ wasm-reject: cell 2 failed\n/);
    expect(r.stderr).toMatch(
      /Unhandled promise rejection raised asynchronously while cell 2 ran or just after it returned\. .*only timers/s,
    );
    expect(r.stderr).toContain('Error: rechazo tardío');
    expect(r.stderr).toMatch(/✗ wasm-later: cell 1 failed\n/);
    expect(r.stderr).toMatch(/in a timer \(setTimeout\) that cell 1 set, while cell 2 ran or just after it returned/);
    expect(r.stderr).toContain('✗ wasm-later: cell 1 failed\n  cell source:\n    import');
    expect(r.stderr).toMatch(/✗ exits: cell 2 failed\n(.|\n)*the kernel died after cell 2 returned, while the run/);
    expect(r.stderr).toContain("(nothing on the kernel's stderr)");
    expect(r.stdout).toContain('0 passed, 4 failed');
    const summary = JSON.parse(fs.readFileSync(path.join(r.outDir, 'summary.json'), 'utf8'));
    const cells = summary.notebooks.map((n: { failedCell: number; cells: number }) => [n.failedCell, n.cells]);
    expect(cells).toEqual([
      [2, 2],
      [2, 2],
      [1, 2],
      [2, 2],
    ]);
    // The executed copy shows the error under the cell that set the timer, and nothing after it ran.
    const out = JSON.parse(fs.readFileSync(path.join(r.outDir, 'wasm-later.ipynb'), 'utf8'));
    const shown = out.cells[0].outputs.map((o: { text: string | string[] }) => text(o.text)).join('');
    expect(shown).toContain('error anidado');
    expect(out.cells[2].execution_count).toBe(null);
  });

  it('fails a notebook that never calls report()', async () => {
    const nb = writeNotebook(tmp, 'no-report', ['1 + 1']);
    const r = await runNotebooks([nb]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('did not call report');
  });

  it('says which notebook does not exist', async () => {
    const r = await runNotebooks([path.join(tmp, 'missing.ipynb')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`✗ missing: ${path.join(tmp, 'missing.ipynb')}: no such notebook`);
    const summary = JSON.parse(fs.readFileSync(path.join(r.outDir, 'summary.json'), 'utf8'));
    expect(summary.notebooks[0]).toMatchObject({ notebook: 'missing', status: 'failed', error: /no such notebook/ });
  });

  it('fails a folder, a typo, a non-notebook, a name given twice, unreadable or NaN metrics, each alone', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'args-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    const a = writeNotebook(dir, 'a', [`import { report } from ${lib};\nreport({ a: 1 });`]);
    const other = writeNotebook(path.join(dir, 'sub'), 'a', ['1']);
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'hola');
    const m = writeNotebook(dir, 'm', [
      'require("fs").writeFileSync(process.env.RNN_OUT_DIR + "/m.metrics.json", "{roto");',
    ]);
    const nan = writeNotebook(dir, 'nan', [`import { report } from ${lib};\nreport({ mse: 0.1, loss: NaN });`]);
    const r = await runNotebooks([path.join(dir, 'sub'), path.join(dir, 'a'), notes, a, a, other, m, nan]);
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.stderr).toContain(`✗ sub: ${path.join(dir, 'sub')} is a folder, not a notebook`);
    expect(r.stderr).toContain(`✗ a: ${path.join(dir, 'a')}: no such notebook (did you mean ${a}?)`);
    expect(r.stderr).toContain(`✗ notes.txt: ${notes} is not a notebook (a .ipynb file)`);
    expect(r.stderr).toContain(`✗ a: ${a} given twice: both would write a.ipynb, .html and .metrics.json`);
    expect(r.stderr).toContain(`✗ a: ${other} has the same name as ${a}, given earlier`);
    expect(r.stderr).toMatch(/✗ m: \S+m\.metrics\.json cannot be read as JSON \(.*\): it should be written only by/);
    expect(r.stderr).toMatch(/✗ nan: cell 1 failed\n(.|\n)*Error: report\(\): metric "loss" is NaN, not a finite/);
    expect(fs.existsSync(path.join(r.outDir, 'nan.metrics.json'))).toBe(false);
    const summary = JSON.parse(fs.readFileSync(path.join(r.outDir, 'summary.json'), 'utf8'));
    const rows = summary.notebooks.map((n: { notebook: string; status: string }) => `${n.notebook} ${n.status}`);
    // The first "a" is a typo (no such file), so the real a.ipynb is the first to claim the name and runs.
    expect(rows).toEqual([
      'sub failed',
      'a failed',
      'notes.txt failed',
      'a passed',
      'a failed',
      'a failed',
      'm failed',
      'nan failed',
    ]);
    expect(r.stdout).toContain('1 passed, 7 failed');
    expect(r.status).toBe(1);
  });

  it('fails an unreadable notebook by name and reason, runs the others and rewrites the summary', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'invalid-'));
    const out = fs.mkdtempSync(path.join(tmp, 'out-'));
    // The previous run's files: all of them must go, none may pass for this run's results.
    const stale = { notebooks: [{ notebook: 'bad', status: 'passed' }] };
    fs.writeFileSync(path.join(out, 'summary.json'), JSON.stringify(stale));
    for (const ext of ['ipynb', 'html', 'metrics.json']) fs.writeFileSync(path.join(out, `bad.${ext}`), '{}');
    const a = writeNotebook(dir, 'a', [`import { report } from ${lib};\nreport({ a: 1 });`]);
    const files: Record<string, string> = {
      bad: '{"cells": [',
      empty: '',
      obj: '{}',
      list: '[]',
      cell: JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'foo', source: '' }] }),
    };
    for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.ipynb`), body);
    // The last notebook reads summary.json while it runs: the summary is kept up to date during the run.
    const ok = writeNotebook(dir, 'ok', [
      `import { report } from ${lib};\nimport * as fs from "fs";`,
      'const s = JSON.parse(fs.readFileSync(process.env.RNN_OUT_DIR + "/summary.json", "utf8"));',
      'report({ b: 2, seen: s.notebooks.map((n: { status: string }) => n.status).join(",") });',
    ]);
    const given = [a, ...Object.keys(files).map((n) => path.join(dir, `${n}.ipynb`)), ok];
    const r = await runNotebooks(given, { RNN_OUT_DIR: out });
    expect(r.stderr).not.toMatch(/Traceback/);
    const bad = path.join(dir, 'bad.ipynb');
    expect(r.stderr).toContain(`✗ bad: ${bad} is not valid JSON (Expecting value: line 1 column 12)`);
    expect(r.stderr).toMatch(/✗ empty: \S+empty\.ipynb is empty \(0 bytes\), not a notebook/);
    expect(r.stderr).toMatch(
      /✗ obj: \S+obj\.ipynb is not a Jupyter notebook: "cells", "metadata", "nbformat", "nbformat_minor" missing/,
    );
    expect(r.stderr).toMatch(/✗ list: \S+list\.ipynb is not a Jupyter notebook: its JSON is a list, not an object/);
    expect(r.stderr).toMatch(/✗ cell: \S+cell\.ipynb: cells\[0\] has cell_type "foo" \(expected code, markdown/);
    expect(r.stderr).toMatch(/restore it .*or leave it out of the run/);
    expect(r.stdout).toContain('2 passed, 5 failed');
    expect(r.status).toBe(1);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    const rows = summary.notebooks.map((n: { notebook: string; status: string }) => `${n.notebook} ${n.status}`);
    const statuses = ['passed', 'failed', 'failed', 'failed', 'failed', 'failed', 'passed'];
    expect(rows).toEqual(['a', 'bad', 'empty', 'obj', 'list', 'cell', 'ok'].map((n, i) => `${n} ${statuses[i]}`));
    expect(summary.notebooks[1]).toMatchObject({ path: bad, cells: 0, error: expect.stringMatching(/not valid JSON/) });
    expect(summary.notebooks[6].metrics).toEqual({ b: 2, seen: 'passed,failed,failed,failed,failed,failed,not run' });
    expect(fs.readdirSync(out).filter((f) => f.startsWith('bad.'))).toEqual([]);
  });

  it('makes folders given relative to where it started absolute (the kernel runs in notebooks/)', async () => {
    const nb = writeNotebook(tmp, 'dirs', [
      `import { report } from ${lib};\nconst e = process.env;`,
      'console.log(JSON.stringify([e.RNN_DATA_DIR, e.RNN_CACHE_DIR]));',
      'report({ ok: true });',
    ]);
    const r = await runNotebooks([nb], { RNN_DATA_DIR: '../shared-data-x', RNN_CACHE_DIR: 'cache-x' });
    expect(r.status).toBe(0);
    const out = JSON.parse(fs.readFileSync(path.join(r.outDir, 'dirs.ipynb'), 'utf8'));
    const expected = [path.resolve(root, '../shared-data-x'), path.join(root, 'cache-x')];
    expect(JSON.parse(text(out.cells[1].outputs[0].text))).toEqual(expected);
  });

  it('on Ctrl-C marks the running notebook failed, the rest not run, stops the kernel, exits 130', async () => {
    const slow = writeNotebook(tmp, 'slow', ['await new Promise((r) => setTimeout(r, 60_000));']);
    const after = writeNotebook(tmp, 'after', ['1']);
    const out = fs.mkdtempSync(path.join(tmp, 'int-'));
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'run-notebooks.js'), slow, after], {
      cwd: root,
      env: { ...process.env, RNN_OUT_DIR: out },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const pgrep = (args: string[]) => {
      try {
        return execFileSync('pgrep', args, { encoding: 'utf8' }).trim().split('\n').map(Number);
      } catch {
        return []; // pgrep exits 1 when nothing matches
      }
    };
    // The kernel is launched but still loading: the moment nbclient used not to clean up after.
    let python: number | undefined;
    let kernel: number | undefined;
    for (let i = 0; i < 600 && kernel === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      python ??= pgrep(['-f', `run_notebooks.py --out ${out}`])[0];
      if (python !== undefined) kernel = pgrep(['-P', String(python), '-f', 'tslab'])[0];
    }
    expect(kernel).toBeDefined();
    process.kill(python as number, 'SIGINT'); // what a terminal's Ctrl-C gives the runner's Python
    // A kernel left running holds the runner's stdout open, so 'close' would never come.
    const status = await Promise.race([closed, new Promise((r) => setTimeout(() => r('hung'), 20_000))]);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const orphan = alive(kernel as number);
    if (orphan) process.kill(kernel as number, 'SIGKILL');
    expect(orphan).toBe(false);
    expect(stderr).toContain('✗ slow: interrupted (Ctrl-C) while it ran; the notebooks after it were not run');
    expect(stdout).toContain('0 passed, 1 failed, 1 not run');
    expect(status).toBe(130);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.notebooks.map((n: { status: string }) => n.status)).toEqual(['failed', 'not run']);
  });

  describe('checks its settings before running anything', () => {
    const nb = writeNotebook(tmp, 'never-run', ['console.log("ran")']);
    const refused = async (env: Record<string, string>, args: string[] = [nb]) => {
      const r = await runNotebooks(args, env);
      expect(r.stdout).not.toContain('▶');
      expect(r.stderr).not.toMatch(/Traceback|\s{4}at /);
      expect(r.status).toBe(2);
      return r.stderr;
    };

    it('an output folder that is a file, cannot be created or is not writable', async () => {
      const file = path.join(tmp, 'a-file');
      fs.writeFileSync(file, 'x');
      expect(await refused({ RNN_OUT_DIR: file })).toContain(
        `The output folder ${file} (RNN_OUT_DIR) is a file, not a folder: set RNN_OUT_DIR to a folder`,
      );
      expect(await refused({ RNN_OUT_DIR: path.join(file, 'sub') })).toMatch(
        /The output folder \S+a-file\/sub \(RNN_OUT_DIR\) cannot be created \(ENOTDIR/,
      );
      // Root writes through permissions; /sys refuses even root.
      let locked = path.join(tmp, 'locked');
      fs.mkdirSync(locked, { recursive: true });
      fs.chmodSync(locked, 0o555);
      if (process.getuid?.() === 0) locked = '/sys';
      expect(await refused({ RNN_OUT_DIR: locked })).toMatch(
        new RegExp(`The output folder ${locked} \\(RNN_OUT_DIR\\) is not writable \\((EACCES|EPERM|EROFS)`),
      );
    });

    it('an output folder that holds a notebook it would overwrite', async () => {
      const dir = fs.mkdtempSync(path.join(tmp, 'same-'));
      const source = writeNotebook(dir, 'x', ['1']);
      const before = fs.readFileSync(source, 'utf8');
      expect(await refused({ RNN_OUT_DIR: dir }, [source])).toContain(
        `The output folder ${dir} (RNN_OUT_DIR) holds the notebook ${source}: its executed copy would overwrite it`,
      );
      expect(fs.readFileSync(source, 'utf8')).toBe(before);
    });

    it('an unknown option, and misspelt settings', async () => {
      expect(await refused({}, ['--quick', nb])).toMatch(/Unknown option --quick: run-notebooks\.js takes notebook/);
      expect(await refused({ RNN_CELL_TIMEOUT: '1h' })).toContain(
        'RNN_CELL_TIMEOUT="1h" is not a number of seconds: use a whole number above 0 (default 3600), or unset it.',
      );
      expect(await refused({ RNN_CELL_TIMEOUT: '0' })).toContain('RNN_CELL_TIMEOUT="0" is not a number of seconds');
      expect(await refused({ RNN_SETTLE_MS: '-5' })).toContain(
        'RNN_SETTLE_MS="-5" is not a number of milliseconds: use a whole number ≥ 0 (default 150), or unset it.',
      );
      expect(await refused({ RNN_QUICK: 'ture' })).toMatch(/RNN_QUICK="ture" is not on or off: use 1 .* or 0/);
      expect(await refused({ RNN_PYTHON: '/no/such/python3' })).toContain(
        'RNN_PYTHON=/no/such/python3 cannot be used (not found): point it at a Python that has nbclient',
      );
    });
  });
});
