import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../runtime/paths';
import { parseCsvText, type CsvParseOptions } from './csv';
import { checksumMismatch, DownloadError, downloadToCache, progressPrinter } from './fetch';
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

  /** The notes that were printed when the file was loaded (rows re-sorted, not the registered copy, ...). */
  warnings: string[] = [];

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
      const data: Record<string, unknown[]> = {
        [this.dateColumn]: this.dates.map((d) => d.toISOString().slice(0, 19).replace('T', ' ')),
      };
      for (const [k, v] of Object.entries(this.columns)) data[k] = Array.from(v);
      this.frameCache = new dfd.DataFrame(data);
    }
    return this.frameCache as import('danfojs-node').DataFrame;
  }

  /** One numeric column; the error lists the available ones. */
  column(name: string): Float64Array {
    const c = this.columns[name];
    if (!c)
      throw new Error(
        `Unknown column "${name}" in ${this.name}: available columns are ${this.columnNames.join(', ')}.`,
      );
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
      throw new Error(
        `No rows of ${this.name} between ${String(from ?? 'start')} and ${String(to ?? 'end')} (the data cover ${this.dates[0]?.toISOString().slice(0, 10)} … ${this.dates[this.rows - 1]?.toISOString().slice(0, 10)}).`,
      );
    }
    const cols: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(this.columns)) cols[k] = Float64Array.from(idx, (i) => v[i]);
    const part = new LoadedDataset(
      this.name,
      idx.map((i) => this.dates[i]),
      cols,
      this.source,
      this.file,
      this.notes,
      this.dateColumn,
    );
    part.warnings = this.warnings;
    return part;
  }
}

function toTime(v: string | Date, arg: string): number {
  const t =
    v instanceof Date
      ? v.getTime()
      : Date.parse(`${v}T00:00:00Z`.replace(/T00:00:00Z$/, v.includes('T') ? '' : 'T00:00:00Z'));
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
  /** Longest a download may take in all (default 15 min); a server that trickles bytes is cut off. */
  downloadTimeoutMs?: number;
  /** Keep only rows from this date (inclusive, yyyy-mm-dd). */
  from?: string;
  /** Keep only rows up to this date (inclusive). */
  to?: string;
  /** Drop Yahoo's zero-volume holiday rows (default: keep them). */
  dropZeroVolume?: boolean;
  /** Decimal separator of your own copy (`path`), when it cannot be detected. */
  decimal?: '.' | ',';
  /**
   * `check`: newest-first files are sorted, repeated/disordered dates are an error; `file`: the file's
   * order, problems printed. Default: `file` for a copy that matches the registry's checksum, else `check`.
   */
  dateOrder?: 'check' | 'file';
  /** Do not print warnings and download progress (they stay in `notes`). */
  quiet?: boolean;
}

/** The data set is neither found locally nor could be downloaded (the only case `loadJena` replaces by generated data). */
export class DatasetUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetUnavailableError';
  }
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

const resolvedNote = (given: string) => {
  const abs = path.resolve(given);
  return abs === given ? '' : ` (that is ${abs}, relative to the current folder ${process.cwd()})`;
};

/** A folder the user named (option or environment variable): it must exist and be a folder. */
function namedFolder(dir: string, label: string, info: DatasetInfo): string {
  const st = statOf(dir);
  if (!st) {
    throw new Error(
      `${label} is "${dir}"${resolvedNote(dir)}, but there is no such folder. Point ${label} at the folder that holds ${info.file}.`,
    );
  }
  if (!st.isDirectory()) {
    throw new Error(
      `${label} is "${dir}", which is a file, not a folder. Point ${label} at the folder that holds ${info.file}${path.basename(dir) === info.file ? ` (here ${path.dirname(dir)}), or pass { path: "${dir}" }` : ''}.`,
    );
  }
  return path.resolve(dir);
}

/** The CSV files of a folder, for messages. */
function csvFilesIn(dir: string): string {
  try {
    const names = fs.readdirSync(dir).filter((f) => /\.(csv|txt|tsv)$/i.test(f));
    if (names.length === 0) return 'it holds no .csv file';
    return `it holds ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`;
  } catch {
    return 'it cannot be listed';
  }
}

interface Search {
  found?: { file: string; source: DataSource };
  /** Where it looked, for messages. */
  looked: string[];
}

function searchDataset(info: DatasetInfo, options: LoadDatasetOptions): Search {
  if (options.path) {
    const st = statOf(options.path);
    if (!st)
      throw new Error(
        `path: "${options.path}" does not exist${resolvedNote(options.path)}; give the path of your copy of ${info.file}.`,
      );
    if (st.isDirectory()) {
      const inside = path.join(options.path, info.file);
      throw new Error(
        `path: "${options.path}" is a folder, not a file; ` +
          (statOf(inside)?.isFile()
            ? `it holds ${info.file}: pass { dataDir: "${options.path}" } or { path: "${inside}" }.`
            : `give the path of your copy of ${info.file} (${csvFilesIn(options.path)}).`),
      );
    }
    return { found: { file: path.resolve(options.path), source: 'path' }, looked: [] };
  }
  const looked: string[] = [];
  const dirs: Array<[string | undefined, string, DataSource]> = [
    [options.dataDir, 'dataDir', 'data-dir'],
    [process.env.RNN_DATA_DIR, 'RNN_DATA_DIR', 'data-dir'],
  ];
  for (const [dir, label, source] of dirs) {
    if (!dir) continue;
    const file = path.join(namedFolder(dir, label, info), info.file);
    const st = statOf(file);
    if (st?.isDirectory())
      throw new Error(
        `${file} is a folder, not the data file; remove it or put the file ${info.file} in ${path.dirname(file)}.`,
      );
    if (st) return { found: { file, source }, looked };
    looked.push(`${label} ${path.resolve(dir)}`);
  }
  const cache = cacheDir();
  const st = statOf(cache);
  if (st && !st.isDirectory()) {
    const by = process.env.RNN_CACHE_DIR
      ? `RNN_CACHE_DIR is "${process.env.RNN_CACHE_DIR}", which`
      : `The cache folder ${cache}`;
    throw new Error(
      `${by} is a file, not a folder, so nothing can be cached there. Point RNN_CACHE_DIR at a folder (or unset it to use the project's data/ folder).`,
    );
  }
  const file = path.join(cache, info.file);
  if (statOf(file)?.isFile()) return { found: { file, source: 'cache' }, looked };
  looked.push(`the cache ${cache}`);
  return { looked };
}

/** Where `loadDataset` looks, in order: options.path, options.dataDir, RNN_DATA_DIR, the cache. */
export function locateDataset(
  info: DatasetInfo,
  options: LoadDatasetOptions = {},
): { file: string; source: DataSource } | undefined {
  return searchDataset(info, options).found;
}

/** The bytes of a file as text: UTF-8 (with or without BOM) or UTF-16 with its BOM. */
function decodeText(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.toString('utf16le', 2);
  if (buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buf.toString('utf8');
}

/** Reads a file the user named, turning "is a folder" and similar into messages. */
function readUserFile(file: string, what: string): Buffer {
  const st = statOf(file);
  if (!st)
    throw new Error(
      `${what}: "${file}" does not exist${resolvedNote(file)}; check the path (relative paths start at the notebook's folder).`,
    );
  if (st.isDirectory())
    throw new Error(
      `${what}: "${file}" is a folder, not a file; give the path of the CSV file inside it (${csvFilesIn(file)}).`,
    );
  return fs.readFileSync(file);
}

const day = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T00:00:00', '').replace('T', ' ');

function printWarnings(name: string, warnings: string[], quiet: boolean | undefined): void {
  if (quiet) return;
  for (const w of warnings) console.log(`⚠ ${name}: ${w}`);
}

/**
 * Loads one of the course data sets: `melbourne`, `amazon`, `iberdrola`, `sp500`, `jena`.
 * Looks for the file in `options.path`, `options.dataDir`, `RNN_DATA_DIR`, then the
 * cache (`data/`); otherwise downloads it into the cache (checksum-verified, atomic).
 * A folder named by `dataDir`/`RNN_DATA_DIR` must exist. A local copy that is not the
 * registered file is used and said so (printed); one in a data folder that is smaller and
 * covers no more than the registered dates is taken for a truncated copy: an error.
 */
export async function loadDataset(
  name: DatasetName | string,
  options: LoadDatasetOptions = {},
): Promise<LoadedDataset> {
  const info = datasetInfo(name);
  const search = searchDataset(info, options);
  let found = search.found;
  if (!found) {
    const url = options.url ?? info.url;
    const looked = `Looked in: ${search.looked.join('; ')}.`;
    if (options.download === false) {
      throw new DatasetUnavailableError(
        `${info.file} is not available locally and downloading is disabled. ${looked} Put the file in a folder and set RNN_DATA_DIR to it (or pass dataDir), or allow the download from ${url}.`,
      );
    }
    const target = path.join(cacheDir(), info.file);
    if (!options.quiet) console.log(`Descargando ${info.file} desde ${url} …`);
    try {
      await downloadToCache({
        url,
        target,
        expected: { sha256: info.sha256, md5: info.md5, size: info.size },
        zipped: info.zipped,
        deadlineMs: options.downloadTimeoutMs,
        onProgress: options.quiet ? undefined : progressPrinter(info.file),
      });
    } catch (err) {
      const msg = (err as Error).message;
      const kind = err instanceof DownloadError ? err.kind : 'network';
      if (kind === 'checksum') throw new DatasetUnavailableError(msg);
      if (kind === 'cache')
        throw new Error(
          `Could not save ${info.file} in the cache: ${msg}. Point RNN_CACHE_DIR at a folder you can write to, or put the file in a folder named by RNN_DATA_DIR.`,
        );
      const advice: Record<string, string> = {
        http: `The address may have changed: pass { url } with a mirror, or download the file by hand into a folder named by RNN_DATA_DIR (see data/README.md).`,
        redirect: `The server keeps redirecting: pass { url } with the final address, or download the file by hand into a folder named by RNN_DATA_DIR.`,
        slow: `The server is too slow: try again later, allow more time with { downloadTimeoutMs }, or download the file by hand into a folder named by RNN_DATA_DIR.`,
        zip: `Download the zip by hand, unzip it, and put ${info.file} in a folder named by RNN_DATA_DIR.`,
      };
      throw new DatasetUnavailableError(
        `Could not download ${info.file} from ${url} (${msg}). ${advice[kind] ?? `Without internet, copy the file into a folder and set RNN_DATA_DIR to it (e.g. RNN_DATA_DIR=../shared/data), or pass { dataDir }.`} ${looked}`,
      );
    }
    found = { file: target, source: 'download' };
  }
  const buf = found.source === 'path' ? readUserFile(found.file, 'path') : fs.readFileSync(found.file);
  const bad = checksumMismatch(buf, { sha256: info.sha256, md5: info.md5, size: info.size });
  if (bad && found.source === 'cache') {
    throw new Error(`The cached copy ${found.file} is damaged (${bad}). Delete it and load again to download it anew.`);
  }
  let loaded: LoadedDataset;
  try {
    loaded = fromText(info.name, decodeText(buf), found.file, found.source, {
      dateColumn: info.dateColumn,
      dateFormat: info.dateFormat,
      dropZeroVolume: options.dropZeroVolume,
      decimal: options.decimal,
      // The registered file, byte for byte, is read as it is (its order is the one the notebooks expect).
      dateOrder: options.dateOrder ?? (bad ? 'check' : 'file'),
    });
  } catch (err) {
    if (!bad) throw err;
    throw new Error(
      `${(err as Error).message}\n(${found.file} is not the registered copy of ${info.file}: ${bad}. If it is a damaged or truncated copy, replace it with the file from ${info.url}.)`,
    );
  }
  const warnings: string[] = [];
  if (bad) {
    const first = loaded.dates[0].getTime();
    const last = loaded.dates[loaded.rows - 1].getTime();
    const regFirst = Date.parse(info.first.includes('T') ? info.first : `${info.first}T00:00:00Z`);
    const regLast = Date.parse(info.last.includes('T') ? info.last : `${info.last}T00:00:00Z`);
    const registered = `${info.rows ? `${info.rows} filas, ` : ''}${day(regFirst)} … ${day(regLast)}`;
    if (found.source === 'data-dir' && buf.length < info.size && first >= regFirst && last <= regLast) {
      throw new Error(
        `${found.file} is shorter than the registered ${info.file} (${buf.length} of ${info.size} bytes; ${loaded.rows} rows, ${day(first)} … ${day(last)}; ` +
          `the registered file: ${registered.replace('filas', 'rows')}): it looks like a truncated or partial copy. ` +
          `Replace it with the full file (${info.url}), or, to use it as it is, pass { path: "${found.file}" }.`,
      );
    }
    // A user's own (e.g. fuller) export of the same series: accepted, and said so.
    warnings.push(
      `el fichero ${found.file} no es la copia registrada (${bad}); se usa tal cual: ${loaded.rows} filas, ${day(first)} … ${day(last)} (la registrada: ${registered})`,
    );
  }
  loaded.notes.unshift(...warnings);
  loaded.warnings = [...warnings, ...loaded.warnings];
  printWarnings(info.name, loaded.warnings, options.quiet);
  if (options.from || options.to) loaded = loaded.between(options.from, options.to);
  return loaded;
}

function fromText(name: string, text: string, file: string, source: DataSource, opts: CsvParseOptions): LoadedDataset {
  const parsed = parseCsvText(text, { ...opts, source: file });
  const loaded = new LoadedDataset(name, parsed.dates, parsed.columns, source, file, parsed.notes, parsed.dateColumn);
  loaded.warnings = parsed.warnings;
  return loaded;
}

export interface LoadCsvOptions extends CsvParseOptions {
  from?: string;
  to?: string;
  /** Do not print warnings such as "rows sorted" (they stay in `notes`). */
  quiet?: boolean;
}

/**
 * Loads a user's own CSV (e.g. the full 2010–2024 Iberdrola export from the course
 * campus): `,` `;` or tab separators, the decimal separator detected from the numbers
 * (or stated with `decimal`), quoted cells, CRLF/LF/CR; `columns` keeps only some columns.
 * A newest-first file is sorted ascending and a line says so.
 */
export function loadCsv(file: string, options: LoadCsvOptions = {}): LoadedDataset {
  const buf = readUserFile(file, 'loadCsv');
  let loaded = fromText(path.basename(file), decodeText(buf), path.resolve(file), 'path', options);
  printWarnings(loaded.name, loaded.warnings, options.quiet);
  if (options.from || options.to) loaded = loaded.between(options.from, options.to);
  return loaded;
}
