import * as fs from 'node:fs';
import * as path from 'node:path';
import { outDir } from './paths';
import { isQuickMode } from './params';

/** A notebook's key results: flat numbers or strings, or one level of named groups (e.g. per model). */
export type Metrics = Record<
  string,
  number | string | boolean | null | Record<string, number | string | boolean | null>
>;

export interface ReportOptions {
  /** Notebook name used for the file name; default `RNN_NOTEBOOK` (set by the runner) or `notebook`. */
  notebook?: string;
  /** Folder to write into; default `out/` (see `outDir()`). */
  dir?: string;
}

function fmt(v: unknown): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : v.toFixed(4);
  }
  return String(v);
}

/**
 * Writes `file` atomically: a temporary file in the same folder, flushed to disk, then a
 * rename; a reader sees the old file or the new one, never part of one.
 */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** What a value is, for messages: "a Date", "an array", "a bigint (10)". */
function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'bigint') return `a bigint (${v})`;
  if (typeof v === 'object' && v !== null) {
    const name = Object.getPrototypeOf(v)?.constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`;
}

/**
 * Why `v` cannot be a metric, or null when it can. A metric is a finite number, a string,
 * a boolean or null: NaN and ±Infinity (which JSON would turn into null, the notebook
 * passing), undefined (which JSON would drop) and objects other than a group are refused.
 */
function badValue(v: unknown, group: boolean): string | null {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return null;
    return (
      `is ${v}, not a finite number (training diverged, or a mean over no values?): fix the computation, ` +
      'or report null explicitly if the value does not exist'
    );
  }
  if (v === undefined) return 'is undefined: a misspelt or missing value? Report null explicitly if there is none';
  if (typeof v === 'bigint') return `is ${kindOf(v)}: convert it with Number()`;
  if (Array.isArray(v)) return 'is an array: report one number per key (its last value, its mean…)';
  if (typeof v === 'object' && kindOf(v) === 'an object') {
    return group ? null : 'is an object: a group holds values, one level deep (e.g. { modelo: { mse: 0.1 } })';
  }
  if (typeof v === 'object') {
    return `is ${kindOf(v)}, not a number, string, boolean or null: report a number (for a tensor, its dataSync()[0])`;
  }
  return `is ${kindOf(v)}, not a number, string, boolean or null`;
}

/** Throws, naming the key ("grupo · clave"), for the first value that cannot be recorded. */
function checkMetrics(metrics: Record<string, unknown>): void {
  if (Object.keys(metrics).length === 0) {
    throw new Error('report({}): no metrics: pass at least one, such as report({ mse: 0.01 }).');
  }
  for (const [k, v] of Object.entries(metrics)) {
    const problem = badValue(v, true);
    if (problem) throw new Error(`report(): metric "${k}" ${problem}.`);
    if (v !== null && typeof v === 'object') {
      for (const [k2, v2] of Object.entries(v)) {
        const inner = badValue(v2, false);
        if (inner) throw new Error(`report(): metric "${k} · ${k2}" ${inner}.`);
      }
    }
  }
}

/**
 * The last cell of every notebook: prints a summary table of `metrics` and writes them
 * to `out/<notebook>.metrics.json`, which the runner gathers into `out/summary.json`.
 * Returns the path written. Every value is checked first (see badValue): on a bad one it
 * throws naming the key, and nothing is printed or written.
 */
export function report(metrics: Metrics, options: ReportOptions = {}): string {
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
    throw new Error('report(metrics): metrics must be an object such as { mse: 0.01, modelo: "Elman" }.');
  }
  checkMetrics(metrics);
  const notebook = options.notebook ?? process.env.RNN_NOTEBOOK ?? 'notebook';
  if (notebook === '' || notebook === '.' || notebook === '..' || /[/\\\0]/.test(notebook)) {
    throw new Error(
      `report(): notebook name ${JSON.stringify(notebook)} is not a file name (for <out>/<name>.metrics.json): ` +
        'use the notebook\'s name without folders, such as "01-amazon-elman".',
    );
  }
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(metrics)) {
    if (v !== null && typeof v === 'object') {
      for (const [k2, v2] of Object.entries(v)) rows.push([`${k} · ${k2}`, fmt(v2)]);
    } else {
      rows.push([k, fmt(v)]);
    }
  }
  const w = Math.max(7, ...rows.map((r) => r[0].length));
  const lines = [
    `Resumen de ${notebook}${isQuickMode() ? ' (modo rápido)' : ''}`,
    `${'métrica'.padEnd(w)}  valor`,
    `${'-'.repeat(w)}  ${'-'.repeat(12)}`,
  ];
  for (const [k, v] of rows) lines.push(`${k.padEnd(w)}  ${v}`);
  const file = path.join(options.dir ?? outDir(), `${notebook}.metrics.json`);
  const payload = { notebook, quick: isQuickMode(), writtenAt: new Date().toISOString(), metrics };
  try {
    writeFileAtomic(file, `${JSON.stringify(payload, null, 2)}\n`);
  } catch (err) {
    throw new Error(
      `report(): cannot write ${file} (${(err as Error).message}): set RNN_OUT_DIR (or the dir option) to a ` +
        'folder you can write.',
    );
  }
  lines.push(`(guardado en ${file})`);
  console.log(lines.join('\n'));
  return file;
}
