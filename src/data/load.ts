import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../runtime/paths';
import { parseCsvText, type CsvParseOptions } from './csv';
import { checksumMismatch, downloadToCache } from './fetch';
import { datasetInfo, type DatasetInfo, type DatasetName } from './registry';

/** Where a loaded table came from. */
export type DataSource = 'path' | 'data-dir' | 'cache' | 'download' | 'generated';

/** A loaded table: typed columns plus a danfojs DataFrame built on first use. */
export class LoadedDataset {
  private frameCache: unknown;

  constructor(
    /** Data set name, or the file name for `loadCsv`. */
    readonly name: string,
    /** Dates of the rows (UTC). */
    readonly dates: Date[],
    /** Numeric columns by header name. */
    readonly columns: Record<string, Float64Array>,
    readonly source: DataSource,
    /** File read (undefined for generated data). */
    readonly file: string | undefined,
    /** What the parser dropped or kept (null rows, zero-volume rows, ...). */
    readonly notes: string[],
    readonly dateColumn: string,
  ) {}

  get rows(): number {
    return this.dates.length;
  }

  /** The column names (without the date column). */
  get columnNames(): string[] {
    return Object.keys(this.columns);
  }

  /**
   * A danfojs DataFrame (date column as ISO strings + the numeric columns). Built lazily:
   * for Jena's 420,451 rows × 15 columns it takes seconds and much memory.
   */
  get frame(): import('danfojs-node').DataFrame {
    if (!this.frameCache) {
      // required here, not imported at the top: danfojs takes seconds to load and most notebooks never build a frame
      const dfd = require('danfojs-node') as typeof import('danfojs-node');
      const data: Record<string, unknown[]> = { [this.dateColumn]: this.dates.map((d) => d.toISOString().slice(0, 19).replace('T', ' ')) };
      for (const [k, v] of Object.entries(this.columns)) data[k] = Array.from(v);
      this.frameCache = new dfd.DataFrame(data);
    }
    return this.frameCache as import('danfojs-node').DataFrame;
  }

  /** One numeric column; the error lists the available ones. */
  column(name: string): Float64Array {
    const c = this.columns[name];
    if (!c) throw new Error(`Unknown column "${name}" in ${this.name}: available columns are ${this.columnNames.join(', ')}.`);
    return c;
  }

  /** The rows whose date is in [from, to] (strings yyyy-mm-dd or Dates), as a new dataset. */
  between(from?: string | Date, to?: string | Date): LoadedDataset {
    const lo = from === undefined ? -Infinity : toTime(from, 'from');
    const hi = to === undefined ? Infinity : toTime(to, 'to');
    const idx: number[] = [];
    this.dates.forEach((d, i) => {
      const t = d.getTime();
      if (t >= lo && t <= hi) idx.push(i);
    });
    if (idx.length === 0) {
      throw new Error(`No rows of ${this.name} between ${String(from ?? 'start')} and ${String(to ?? 'end')} (the data cover ${this.dates[0]?.toISOString().slice(0, 10)} … ${this.dates[this.rows - 1]?.toISOString().slice(0, 10)}).`);
    }
    const cols: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(this.columns)) cols[k] = Float64Array.from(idx, (i) => v[i]);
    return new LoadedDataset(this.name, idx.map((i) => this.dates[i]), cols, this.source, this.file, this.notes, this.dateColumn);
  }
}

function toTime(v: string | Date, arg: string): number {
  const t = v instanceof Date ? v.getTime() : Date.parse(`${v}T00:00:00Z`.replace(/T00:00:00Z$/, v.includes('T') ? '' : 'T00:00:00Z'));
  if (!Number.isFinite(t)) throw new Error(`${arg}: "${String(v)}" is not a date; use yyyy-mm-dd.`);
  return t;
}

/** Numeric column of a loaded dataset (same as `loaded.column(name)`). */
export function seriesOf(loaded: LoadedDataset, column: string): Float64Array {
  return loaded.column(column);
}

export interface LoadDatasetOptions {
  /** A file to read instead of looking it up (e.g. a fuller export of the same series). */
  path?: string;
  /** A folder holding the data set's file (checked before `RNN_DATA_DIR`). */
  dataDir?: string;
  /** Allow downloading into the cache when no local copy exists. Default true. */
  download?: boolean;
  /** Override of the download URL (mirrors, tests). */
  url?: string;
  /** Keep only rows from this date (inclusive, yyyy-mm-dd). */
  from?: string;
  /** Keep only rows up to this date (inclusive). */
  to?: string;
  /** Drop Yahoo's zero-volume holiday rows (default: keep them). */
  dropZeroVolume?: boolean;
}

/** Where `loadDataset` looks, in order: options.path, options.dataDir, RNN_DATA_DIR, the cache. */
export function locateDataset(info: DatasetInfo, options: LoadDatasetOptions = {}): { file: string; source: DataSource } | undefined {
  if (options.path) {
    if (!fs.existsSync(options.path)) throw new Error(`path: "${options.path}" does not exist; give the path of your copy of ${info.file}.`);
    return { file: path.resolve(options.path), source: 'path' };
  }
  const dirs: Array<[string | undefined, DataSource]> = [
    [options.dataDir, 'data-dir'],
    [process.env.RNN_DATA_DIR, 'data-dir'],
    [cacheDir(), 'cache'],
  ];
  for (const [dir, source] of dirs) {
    if (!dir) continue;
    const file = path.join(dir, info.file);
    if (fs.existsSync(file)) return { file, source };
  }
  return undefined;
}

function readChecked(info: DatasetInfo, file: string, source: DataSource): { text: string; notes: string[] } {
  const buf = fs.readFileSync(file);
  const notes: string[] = [];
  const bad = checksumMismatch(buf, { sha256: info.sha256, md5: info.md5, size: info.size });
  if (bad) {
    if (source === 'cache') {
      throw new Error(`The cached copy ${file} is damaged (${bad}). Delete it and load again to download it anew.`);
    }
    // A user's own (e.g. fuller) export of the same series: accepted, and said so.
    notes.push(`el fichero ${file} no es la copia registrada (${bad}); se usa tal cual`);
  }
  return { text: buf.toString('utf8'), notes };
}

/**
 * Loads one of the course data sets: `melbourne`, `amazon`, `iberdrola`, `sp500`, `jena`.
 * Looks for the file in `options.path`, `options.dataDir`, `RNN_DATA_DIR`, then the
 * cache (`data/`); otherwise downloads it into the cache (checksum-verified, atomic).
 */
export async function loadDataset(name: DatasetName | string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const info = datasetInfo(name);
  let found = locateDataset(info, options);
  if (!found) {
    const url = options.url ?? info.url;
    if (options.download === false) {
      throw new Error(`${info.file} is not available locally and downloading is disabled. Put the file in a folder and set RNN_DATA_DIR to it (or pass dataDir), or allow the download from ${url}.`);
    }
    const target = path.join(cacheDir(), info.file);
    try {
      await downloadToCache({ url, target, expected: { sha256: info.sha256, md5: info.md5, size: info.size }, zipped: info.zipped });
    } catch (err) {
      const msg = (err as Error).message;
      if (/checksum/.test(msg)) throw err;
      throw new Error(`Could not download ${info.file} from ${url} (${msg}). Without internet, copy the file into a folder and set RNN_DATA_DIR to it (e.g. RNN_DATA_DIR=../shared/data), or pass { dataDir }.`);
    }
    found = { file: target, source: 'download' };
  }
  const { text, notes } = readChecked(info, found.file, found.source);
  let loaded = fromText(info.name, text, found.file, found.source, { dateColumn: info.dateColumn, dateFormat: info.dateFormat, dropZeroVolume: options.dropZeroVolume });
  loaded.notes.unshift(...notes);
  if (options.from || options.to) loaded = loaded.between(options.from, options.to);
  return loaded;
}

function fromText(name: string, text: string, file: string, source: DataSource, opts: CsvParseOptions): LoadedDataset {
  const parsed = parseCsvText(text, { ...opts, source: file });
  const dateColumn = opts.dateColumn ?? parsed.header.find((h) => !(h in parsed.columns)) ?? parsed.header[0];
  return new LoadedDataset(name, parsed.dates, parsed.columns, source, file, parsed.notes, dateColumn);
}

export interface LoadCsvOptions extends CsvParseOptions {
  from?: string;
  to?: string;
}

/**
 * Loads a user's own CSV (e.g. the full 2010–2024 Iberdrola export from the course
 * campus): `,` or `;` separators, decimal commas with `;`, quoted cells, CRLF.
 */
export function loadCsv(file: string, options: LoadCsvOptions = {}): LoadedDataset {
  if (!fs.existsSync(file)) throw new Error(`loadCsv: "${file}" does not exist; check the path (relative paths start at the notebook's folder).`);
  let loaded = fromText(path.basename(file), fs.readFileSync(file, 'utf8'), path.resolve(file), 'path', options);
  if (options.from || options.to) loaded = loaded.between(options.from, options.to);
  return loaded;
}
