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
    const nb = writeNotebook(tmp, 'late', ['setTimeout(() => { throw new Error("error tardío") }, 10); 1', 'console.log("after")']);
    const r = await runNotebooks([nb]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('asynchronously');
    expect(r.stderr).toContain('error tardío');
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
    expect(r.stderr).toContain('no such notebook');
  });
});
