import * as fs from 'node:fs';
import * as path from 'node:path';
import { outDir } from './paths';
import { isQuickMode } from './params';

/** A notebook's key results: flat numbers or strings, or one level of named groups (e.g. per model). */
export type Metrics = Record<string, number | string | boolean | null | Record<string, number | string | boolean | null>>;

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

/** Writes `file` atomically: a temporary file in the same folder, then a rename. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The last cell of every notebook: prints a summary table of `metrics` and writes them
 * to `out/<notebook>.metrics.json`, which the runner gathers into `out/summary.json`.
 * Returns the path written.
 */
export function report(metrics: Metrics, options: ReportOptions = {}): string {
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
    throw new Error('report(metrics): metrics must be an object such as { mse: 0.01, modelo: "Elman" }.');
  }
  const notebook = options.notebook ?? process.env.RNN_NOTEBOOK ?? 'notebook';
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(metrics)) {
    if (v !== null && typeof v === 'object') {
      for (const [k2, v2] of Object.entries(v)) rows.push([`${k} · ${k2}`, fmt(v2)]);
    } else {
      rows.push([k, fmt(v)]);
    }
  }
  const w = Math.max(7, ...rows.map((r) => r[0].length));
  const lines = [`Resumen de ${notebook}${isQuickMode() ? ' (modo rápido)' : ''}`, `${'métrica'.padEnd(w)}  valor`, `${'-'.repeat(w)}  ${'-'.repeat(12)}`];
  for (const [k, v] of rows) lines.push(`${k.padEnd(w)}  ${v}`);
  const file = path.join(options.dir ?? outDir(), `${notebook}.metrics.json`);
  const payload = { notebook, quick: isQuickMode(), writtenAt: new Date().toISOString(), metrics };
  writeFileAtomic(file, `${JSON.stringify(payload, null, 2)}\n`);
  lines.push(`(guardado en ${file})`);
  console.log(lines.join('\n'));
  return file;
}
