/**
 * A CSV parser for the course files and users' own exports. Decisions (documented in
 * data/README.md):
 * - quoted headers/values; CRLF, LF or CR-only line endings, with or without a final newline;
 * - separator `,`, `;` or tab, detected from the header (or Excel's `sep=;` first line, or
 *   the `separator` option);
 * - decimal separator detected per file from the numbers themselves: `1.5` proves a decimal
 *   point, `2,75` a decimal comma; a thousands separator only where the pattern proves it
 *   (`1.234,5`, `1,234.5`, `1.234.567`). A file whose numbers fit both readings (only
 *   `1.234`-like cells in a `;` file, `"4,512"`-like cells in a `,` file, or both kinds) is
 *   an error that asks for `decimal: '.'` or `decimal: ','`; so is a file that mixes both;
 * - dates `yyyy-mm-dd[ HH:MM[:SS[.fff]]]` (a trailing `Z`/`±HH:MM` is accepted and the
 *   written clock time kept) or Jena's `dd.mm.yyyy[ HH:MM[:SS]]`, read as UTC; impossible
 *   dates (`2020-13-45`, `2020-02-30`) and trailing text are errors naming the line and cell;
 * - date order (`dateOrder: 'check'`, the default): a newest-first file (common in price
 *   exports) is sorted ascending and says so in `warnings`; repeated dates or a file that is
 *   neither ascending nor descending are an error naming the first offending lines.
 *   `dateOrder: 'file'` keeps the file's order and only reports such problems in `warnings`;
 * - `columns` keeps only some columns (the others are not read, so a text column such as
 *   `Vol.` = `12,34M` does not stop the load);
 * - rows whose numeric cells are `null`/empty (Yahoo's non-trading placeholders) are
 *   dropped and counted in `notes`;
 * - zero-volume rows (Yahoo's holiday placeholders, price repeated) are kept by default
 *   (they are real calendar rows of the export) and counted; `dropZeroVolume` removes them.
 */
export interface ParsedCsv {
  header: string[];
  /** The column the dates were read from. */
  dateColumn: string;
  dates: Date[];
  columns: Record<string, Float64Array>;
  /** What the parser dropped, kept, detected or reordered (includes `warnings`). */
  notes: string[];
  /** The notes that change what the rows mean (re-sorted rows, repeated dates kept): the loaders print these. */
  warnings: string[];
  separator: ',' | ';' | '\t';
  decimal: '.' | ',';
}

export interface CsvParseOptions {
  dateColumn?: string;
  dateFormat?: 'iso' | 'dmy' | 'auto';
  dropZeroVolume?: boolean;
  /** Keep only these columns (besides the date column); the others are not read. */
  columns?: string[];
  /** Field separator; default: detected from the header. */
  separator?: ',' | ';' | '\t';
  /** Decimal separator; default: detected from the numbers (an error says when it cannot be). */
  decimal?: '.' | ',';
  /**
   * `check` (default): newest-first rows are sorted ascending (and said so); repeated dates or
   * rows out of order are an error. `file`: rows stay in the file's order; problems are warnings.
   */
  dateOrder?: 'check' | 'file';
  /** Shown in error messages. */
  source?: string;
}

function splitLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** How many times `sep` occurs outside double quotes. */
function countOutsideQuotes(line: string, sep: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === sep && !quoted) n++;
  }
  return n;
}

const SEPARATORS = [',', ';', '\t'] as const;
const sepName = (s: string) => (s === '\t' ? 'tab' : `"${s}"`);

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const DMY = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A Date, or why the fields are not a real calendar date/time. */
function civilDate(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date | string {
  if (mo < 1 || mo > 12) return `there is no month ${mo}`;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > days) return d < 1 ? `there is no day ${d}` : `${MONTHS[mo - 1]} ${y} has ${days} days`;
  if (h > 23) return `hour ${h} does not exist (00–23)`;
  if (mi > 59) return `minute ${mi} does not exist (00–59)`;
  if (s > 59) return `second ${s} does not exist (00–59)`;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
}

const NOT_A_DATE = 'is not a date (yyyy-mm-dd[ HH:MM[:SS]] or dd.mm.yyyy[ HH:MM[:SS]])';

/** The date of a cell, or the reason it is none; `offset` is set when a time-zone suffix was ignored. */
function readDate(text: string, format: 'iso' | 'dmy' | 'auto'): { date?: Date; problem?: string; offset?: string } {
  const iso = format !== 'dmy' ? ISO.exec(text) : null;
  if (iso) {
    const ms = iso[7] ? Math.floor(Number(`0.${iso[7]}`) * 1000) : 0;
    const r = civilDate(+iso[1], +iso[2], +iso[3], +(iso[4] ?? 0), +(iso[5] ?? 0), +(iso[6] ?? 0), ms);
    if (typeof r === 'string') return { problem: `is not a valid date: ${r}` };
    const zone = iso[8] && !/^(z|[+-]00(:?00)?)$/i.test(iso[8]) ? iso[8] : undefined;
    return { date: r, offset: zone };
  }
  const dmy = format !== 'iso' ? DMY.exec(text) : null;
  if (dmy) {
    const r = civilDate(+dmy[3], +dmy[2], +dmy[1], +(dmy[4] ?? 0), +(dmy[5] ?? 0), +(dmy[6] ?? 0), 0);
    if (typeof r === 'string') return { problem: `is not a valid date: ${r}` };
    return { date: r };
  }
  return { problem: NOT_A_DATE };
}

/** Parses a date cell as UTC; returns undefined when it is not a supported, real date. */
export function parseDateCell(text: string, format: 'iso' | 'dmy' | 'auto' = 'auto'): Date | undefined {
  return readDate(text, format).date;
}

// A number with a decimal point (commas only as proven thousands groups), or with a decimal comma.
const NUM_DOT = /^[+-]?(?=\.?\d)(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?(?:[eE][+-]?\d+)?$/;
const NUM_COMMA = /^[+-]?(?=,?\d)(?:\d{1,3}(?:\.\d{3})+|\d+)?(?:,\d*)?(?:[eE][+-]?\d+)?$/;

function numberWith(s: string, decimal: '.' | ','): number | undefined {
  if (decimal === '.') {
    if (!NUM_DOT.test(s)) return undefined;
    return Number(s.includes(',') ? s.replace(/,/g, '') : s);
  }
  if (!NUM_COMMA.test(s)) return undefined;
  return Number(s.replace(/\./g, '').replace(',', '.'));
}

const isMissing = (s: string) => s === '' || (s.length <= 4 && /^(null|nan)$/i.test(s));

interface CellRef {
  text: string;
  line: number;
  column: string;
}
const cellRef = (c: CellRef) => `"${c.text}" (line ${c.line}, column "${c.column}")`;

/** Parses CSV text into dates and Float64Array columns (see the module note). */
export function parseCsvText(text: string, options: CsvParseOptions = {}): ParsedCsv {
  const where = options.source ?? 'CSV';
  text = text.replace(/^\uFEFF/, '');
  checkIsText(text, where);
  const all = text.split(/\r\n|\r|\n/);
  const notes: string[] = [];
  const warnings: string[] = [];
  const warn = (w: string) => {
    warnings.push(w);
    notes.push(w);
  };
  // Line numbers (1-based, as an editor shows them) of the non-blank lines.
  const lineNos: number[] = [];
  for (let i = 0; i < all.length; i++) if (all[i].trim() !== '') lineNos.push(i);
  let stated: ',' | ';' | '\t' | undefined = options.separator;
  // Excel's "sep=;" first line (sometimes saved back as "sep=;;;" or quoted).
  const excel = lineNos.length ? /^"?sep=(.)"?[,;\t]*\s*$/i.exec(all[lineNos[0]]) : null;
  if (excel) {
    const s = excel[1];
    if (!(SEPARATORS as readonly string[]).includes(s)) {
      throw new Error(
        `${where}: the first line "${all[lineNos[0]]}" (Excel's separator line) names ${sepName(s)}, which is not supported; save the file with "," ";" or tab between fields.`,
      );
    }
    stated ??= s as ',' | ';' | '\t';
    notes.push(`primera línea «sep=${s}» de Excel: separador ${sepName(s)}`);
    lineNos.shift();
  }
  if (lineNos.length < 2) {
    throw new Error(
      `${where}: the file has no data rows (found ${lineNos.length} line(s)); check that it is the right file.`,
    );
  }
  const headerLine = all[lineNos[0]];
  const sep = stated ?? detectSeparator(headerLine, all[lineNos[1]]);
  const header = splitLine(headerLine, sep);
  if (header.length < 2) {
    throw new Error(
      `${where}: the header "${headerLine.slice(0, 80)}" has a single column when split at ${sepName(sep)}: ` +
        `the file needs a date column and at least one value column, separated by "," ";" or tab (pass separator to state it).`,
    );
  }
  const dateColumn = options.dateColumn ?? header.find((h) => /^(date|fecha|ds|date time)$/i.test(h)) ?? header[0];
  const dateIdx = header.indexOf(dateColumn);
  if (dateIdx < 0)
    throw new Error(`${where}: no column "${dateColumn}" (columns: ${header.join(', ')}); pass dateColumn.`);

  let valueCols: Array<{ h: string; i: number }>;
  if (options.columns) {
    valueCols = [];
    for (const name of options.columns) {
      if (name === dateColumn) continue;
      const i = header.indexOf(name);
      if (i < 0)
        throw new Error(
          `${where}: columns: there is no column "${name}" (the file has ${header.map((h) => `"${h}"`).join(', ')}).`,
        );
      if (!valueCols.some((c) => c.h === name)) valueCols.push({ h: name, i });
    }
    if (valueCols.length === 0)
      throw new Error(`${where}: columns: name at least one column besides the date column "${dateColumn}".`);
  } else {
    valueCols = header.map((h, i) => ({ h, i })).filter((c) => c.i !== dateIdx);
    const unnamed = valueCols.filter((c) => c.h === '');
    if (unnamed.length) {
      valueCols = valueCols.filter((c) => c.h !== '');
      notes.push(`${unnamed.length} columna(s) sin nombre ignorada(s)`);
    }
    if (valueCols.length === 0)
      throw new Error(`${where}: the file has no value column besides the date column "${dateColumn}".`);
  }
  const seen = new Set<string>();
  for (const c of valueCols) {
    if (seen.has(c.h))
      throw new Error(
        `${where}: the header has two columns named "${c.h}"; rename one (or keep one with the columns option).`,
      );
    seen.add(c.h);
  }

  const rowCells = (k: number): string[] => {
    const n = lineNos[k] + 1;
    const cells = splitLine(all[lineNos[k]], sep);
    if (cells.length !== header.length) {
      const last = k === lineNos.length - 1 ? ' It is the last line: the file may be cut short (truncated).' : '';
      throw new Error(
        `${where}: line ${n} has ${cells.length} fields but the header has ${header.length} (separator ${sepName(sep)}); the file is damaged or uses another separator.${last}`,
      );
    }
    return cells;
  };

  const decision = options.decimal
    ? { decimal: options.decimal, why: `decimal: '${options.decimal}'` }
    : detectDecimal();
  const decimal = decision.decimal;
  if (!options.decimal && decimal === ',') notes.push('coma decimal detectada en los números');

  const raw: number[][] = valueCols.map(() => []);
  const times: number[] = [];
  const rowLines: number[] = [];
  let nullRows = 0;
  let zeroVolume = 0;
  let droppedZero = 0;
  let offsets = 0;
  let offsetExample = '';
  const volIdx = valueCols.findIndex((c) => /^volume$/i.test(c.h));
  const format = options.dateFormat ?? 'auto';
  const values = new Array<number>(valueCols.length);
  for (let k = 1; k < lineNos.length; k++) {
    const n = lineNos[k] + 1;
    const cells = rowCells(k);
    const dateText = cells[dateIdx];
    const d = readDate(dateText, format);
    if (!d.date) throw new Error(`${where}: line ${n}: "${dateText}" in column "${dateColumn}" ${d.problem}.`);
    if (d.offset) {
      offsets++;
      offsetExample ||= d.offset;
    }
    let missing = false;
    for (let j = 0; j < valueCols.length; j++) {
      const s = cells[valueCols[j].i];
      if (isMissing(s)) {
        missing = true;
        values[j] = NaN;
        continue;
      }
      const v = numberWith(s, decimal);
      if (v === undefined || !Number.isFinite(v)) throw cellError(s, n, valueCols[j].h, cells);
      values[j] = v;
    }
    if (missing) {
      nullRows++;
      continue;
    }
    if (volIdx >= 0 && values[volIdx] === 0) {
      zeroVolume++;
      if (options.dropZeroVolume) {
        droppedZero++;
        continue;
      }
    }
    times.push(d.date.getTime());
    rowLines.push(n);
    for (let j = 0; j < values.length; j++) raw[j].push(values[j]);
  }
  if (nullRows) notes.push(`${nullRows} fila(s) con valores nulos descartadas`);
  if (zeroVolume)
    notes.push(
      droppedZero
        ? `${droppedZero} fila(s) con volumen 0 (festivos de Yahoo) descartadas`
        : `${zeroVolume} fila(s) con volumen 0 (festivos de Yahoo) conservadas`,
    );
  if (offsets)
    notes.push(
      `zona horaria ("${offsetExample}") ignorada en ${offsets} fecha(s): se usa la hora tal como está escrita`,
    );
  if (times.length === 0)
    throw new Error(
      `${where}: no row is left: every row has an empty or null value in ${valueCols.map((c) => `"${c.h}"`).join(', ')}.`,
    );

  if (checkOrder()) {
    times.reverse();
    rowLines.reverse();
    for (const r of raw) r.reverse();
  }
  const columns: Record<string, Float64Array> = {};
  valueCols.forEach((c, j) => (columns[c.h] = Float64Array.from(raw[j])));
  return {
    header,
    dateColumn,
    dates: times.map((t) => new Date(t)),
    columns,
    notes,
    warnings,
    separator: sep,
    decimal,
  };

  /** Reads the cells until one proves the decimal separator (see the module note). */
  function detectDecimal(): { decimal: '.' | ','; why: string; proof?: CellRef } {
    let ambiguousDot: CellRef | undefined;
    let ambiguousComma: CellRef | undefined;
    for (let k = 1; k < lineNos.length; k++) {
      const cells = rowCells(k);
      for (const c of valueCols) {
        const s = cells[c.i];
        if (isMissing(s) || (!s.includes('.') && !s.includes(','))) continue;
        const dot = NUM_DOT.test(s);
        const comma = NUM_COMMA.test(s);
        const ref = { text: s, line: lineNos[k] + 1, column: c.h };
        if (dot && !comma) return { decimal: '.', why: `${cellRef(ref)} has a decimal point`, proof: ref };
        if (comma && !dot) return { decimal: ',', why: `${cellRef(ref)} has a decimal comma`, proof: ref };
        if (dot && comma) {
          if (s.includes('.')) ambiguousDot ??= ref;
          else ambiguousComma ??= ref;
        }
      }
    }
    const ambiguous = (r: CellRef, a: '.' | ',') => {
      const other = a === '.' ? ',' : '.';
      return `${cellRef(r)} may be ${numberWith(r.text, a)} (decimal "${a}") or ${numberWith(r.text, other)} (thousands "${a}")`;
    };
    const fail = (what: string) =>
      new Error(
        `${where}: the decimal separator cannot be told from the numbers: ${what}, and no cell settles it. ` +
          `State it: loadCsv(file, { decimal: ',' }) for decimal commas, or { decimal: '.' } for decimal points.`,
      );
    if (ambiguousDot && ambiguousComma)
      throw fail(`${ambiguous(ambiguousDot, '.')}; ${ambiguous(ambiguousComma, ',')}`);
    // A lone `.` or `,` is a decimal separator unless the file's separator makes that unlikely.
    if (ambiguousDot) {
      if (sep === ';')
        throw fail(`${ambiguous(ambiguousDot, '.')} (the file is separated by ";", as files with decimal commas are)`);
      return { decimal: '.', why: `${cellRef(ambiguousDot)} was read with a decimal point` };
    }
    if (ambiguousComma) {
      if (sep === ',')
        throw fail(
          `${ambiguous(ambiguousComma, ',')} (the file is separated by ",", as files with decimal points are)`,
        );
      return { decimal: ',', why: `${cellRef(ambiguousComma)} was read with a decimal comma` };
    }
    return { decimal: '.', why: 'no number has a decimal separator' };
  }

  function cellError(s: string, n: number, column: string, cells: string[]): Error {
    const other = decimal === '.' ? ',' : '.';
    if (numberWith(s, other) !== undefined) {
      if (options.decimal) {
        return new Error(
          `${where}: line ${n}, column "${column}": "${s}" is written with a decimal "${other}", which does not fit decimal: '${decimal}'; fix the cell or the option.`,
        );
      }
      return new Error(
        `${where}: line ${n}, column "${column}": "${s}" is written with a decimal "${other}", but ${decision.why}: ` +
          `the file mixes decimal separators. Fix the cells that differ, or state the separator with { decimal: '.' } or { decimal: ',' }.`,
      );
    }
    const numeric = valueCols
      .filter((c) => c.h !== column && (isMissing(cells[c.i]) || numberWith(cells[c.i], decimal) !== undefined))
      .map((c) => `"${c.h}"`);
    return new Error(
      `${where}: column "${column}" is not numeric (e.g. "${s}"), first on line ${n}; fix the file or choose other columns` +
        (numeric.length ? `, e.g. loadCsv(file, { columns: [${numeric.join(', ')}] }).` : '.'),
    );
  }

  /** Checks the dates' order (see the module note); true when the rows must be reversed. */
  function checkOrder(): boolean {
    let up = 0;
    let down = 0;
    let firstUp = -1;
    let firstDown = -1;
    let firstSame = -1;
    for (let i = 1; i < times.length; i++) {
      if (times[i] > times[i - 1]) {
        up++;
        if (firstUp < 0) firstUp = i;
      } else if (times[i] < times[i - 1]) {
        down++;
        if (firstDown < 0) firstDown = i;
      } else if (firstSame < 0) firstSame = i;
    }
    const cell = (i: number) => `line ${rowLines[i]} (${splitLine(all[rowLines[i] - 1], sep)[dateIdx]})`;
    const keep = options.dateOrder === 'file';
    const keepHint = " (or pass dateOrder: 'file' to keep the rows as they are)";
    if (firstSame >= 0) {
      const repeats = times.length - new Set(times).size;
      const msg = `${repeats} fecha(s) repetida(s), la primera en las líneas ${rowLines[firstSame - 1]} y ${rowLines[firstSame]} (${splitLine(all[rowLines[firstSame] - 1], sep)[dateIdx]})`;
      if (!keep) {
        throw new Error(
          `${where}: lines ${rowLines[firstSame - 1]} and ${rowLines[firstSame]} have the same date ${splitLine(all[rowLines[firstSame] - 1], sep)[dateIdx]}` +
            `${repeats > 1 ? ` (${repeats} repeated dates in all)` : ''}; a series needs one row per date. Remove the repeated rows${keepHint}.`,
        );
      }
      warn(`${msg}; se conservan en el orden del fichero`);
    }
    if (up > 0 && down > 0) {
      const ascending = up >= down;
      const i = ascending ? firstDown : firstUp;
      if (!keep) {
        throw new Error(
          `${where}: the dates are out of order: ${cell(i)} comes after ${cell(i - 1)} in a file whose dates mostly ${ascending ? 'increase' : 'decrease'} ` +
            `(${up} steps forward, ${down} back). Sort the file by date${keepHint}.`,
        );
      }
      warn(
        `fechas desordenadas (${up} pasos hacia delante, ${down} hacia atrás; el primero en la ${cell(i).replace('line', 'línea')}); se conservan en el orden del fichero`,
      );
      return false;
    }
    if (down > 0) {
      if (keep) {
        warn('filas en orden descendente (las más recientes primero); se conservan en el orden del fichero');
        return false;
      }
      warn(
        `filas en orden descendente (las más recientes primero, como en muchas descargas de cotizaciones): ordenadas por fecha ascendente (${times.length} filas)`,
      );
      return true;
    }
    return false;
  }
}

function detectSeparator(header: string, firstRow: string): ',' | ';' | '\t' {
  const ranked = SEPARATORS.map((s) => ({ s, n: countOutsideQuotes(header, s) }))
    .filter((c) => c.n > 0)
    .sort((a, b) => b.n - a.n);
  // The most frequent separator of the header that splits the first data row into as many fields.
  const fits = ranked.find((c) => countOutsideQuotes(firstRow, c.s) === c.n);
  return (fits ?? ranked[0])?.s ?? ',';
}

/** Rejects what is plainly not a CSV text file, saying what it is. */
function checkIsText(text: string, where: string): void {
  const head = text.slice(0, 4096);
  if (head.startsWith('PK\u0003\u0004'))
    throw new Error(`${where} is a zip archive, not a CSV file; unzip it and use the .csv inside.`);
  if (head.startsWith('version https://git-lfs.github.com/spec')) {
    throw new Error(
      `${where} is a Git LFS pointer, not the data (the file's content was never fetched); run "git lfs pull" in its repository or download the file itself.`,
    );
  }
  if (/^\s*<(!doctype html|html|\?xml)/i.test(head)) {
    throw new Error(
      `${where} is an HTML/XML page, not a CSV file (a download that returned an error or login page?); download the file again.`,
    );
  }
  if (head.includes('\u0000')) {
    throw new Error(
      `${where} is not a text file (it has NUL bytes: a binary file, or UTF-16 text without its byte-order mark); save it as CSV (UTF-8).`,
    );
  }
}
