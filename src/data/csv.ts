/**
 * A CSV parser for the course files and users' own exports. Decisions (documented in
 * data/README.md):
 * - quoted headers/values, CRLF or LF, with or without a final newline;
 * - separator `,` or `;` (detected from the header), decimal comma when the separator is `;`;
 * - dates `yyyy-mm-dd[ HH:MM[:SS]]` or Jena's `dd.mm.yyyy HH:MM:SS`, read as UTC;
 * - rows whose numeric cells are `null`/empty (Yahoo's non-trading placeholders) are
 *   dropped and counted in `notes`;
 * - zero-volume rows (Yahoo's holiday placeholders, price repeated) are kept by default
 *   (they are real calendar rows of the export) and counted; `dropZeroVolume` removes them.
 */
export interface ParsedCsv {
  header: string[];
  dates: Date[];
  columns: Record<string, Float64Array>;
  notes: string[];
}

export interface CsvParseOptions {
  dateColumn?: string;
  dateFormat?: 'iso' | 'dmy' | 'auto';
  dropZeroVolume?: boolean;
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

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/;
const DMY = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Parses a date cell as UTC; returns undefined when it is not a supported date. */
export function parseDateCell(text: string, format: 'iso' | 'dmy' | 'auto' = 'auto'): Date | undefined {
  const iso = format !== 'dmy' ? ISO.exec(text) : null;
  if (iso) return new Date(Date.UTC(+iso[1], +iso[2] - 1, +iso[3], +(iso[4] ?? 0), +(iso[5] ?? 0), +(iso[6] ?? 0)));
  const dmy = format !== 'iso' ? DMY.exec(text) : null;
  if (dmy) return new Date(Date.UTC(+dmy[3], +dmy[2] - 1, +dmy[1], +(dmy[4] ?? 0), +(dmy[5] ?? 0), +(dmy[6] ?? 0)));
  return undefined;
}

/** Parses CSV text into dates and Float64Array columns (see the module note). */
export function parseCsvText(text: string, options: CsvParseOptions = {}): ParsedCsv {
  const where = options.source ?? 'CSV';
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`${where}: the file has no data rows (found ${lines.length} line(s)); check that it is the right file.`);
  const sep = (lines[0].match(/;/g)?.length ?? 0) > (lines[0].match(/,/g)?.length ?? 0) ? ';' : ',';
  const header = splitLine(lines[0], sep);
  const dateColumn = options.dateColumn ?? header.find((h) => /^(date|fecha|ds|date time)$/i.test(h)) ?? header[0];
  const dateIdx = header.indexOf(dateColumn);
  if (dateIdx < 0) throw new Error(`${where}: no column "${dateColumn}" (columns: ${header.join(', ')}); pass dateColumn.`);
  const valueCols = header.map((h, i) => ({ h, i })).filter((c) => c.i !== dateIdx);
  const raw: number[][] = valueCols.map(() => []);
  const dates: Date[] = [];
  let nullRows = 0;
  let zeroVolume = 0;
  let droppedZero = 0;
  const volIdx = valueCols.findIndex((c) => /^volume$/i.test(c.h));
  const nonNumeric = new Map<string, string>();
  for (let r = 1; r < lines.length; r++) {
    const cells = splitLine(lines[r], sep);
    if (cells.length !== header.length) {
      throw new Error(`${where}: line ${r + 1} has ${cells.length} fields but the header has ${header.length}; the file is damaged or uses another separator.`);
    }
    const date = parseDateCell(cells[dateIdx], options.dateFormat ?? 'auto');
    if (!date) throw new Error(`${where}: line ${r + 1}: "${cells[dateIdx]}" in column "${dateColumn}" is not a date (yyyy-mm-dd or dd.mm.yyyy HH:MM:SS).`);
    const values = valueCols.map((c) => {
      let s = cells[c.i];
      if (s === '' || s.toLowerCase() === 'null' || s.toLowerCase() === 'nan') return NaN;
      if (sep === ';') s = s.replace(/\./g, '').replace(',', '.');
      const v = Number(s);
      if (!Number.isFinite(v) && !nonNumeric.has(c.h)) nonNumeric.set(c.h, cells[c.i]);
      return v;
    });
    if (values.some((v) => Number.isNaN(v))) {
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
    dates.push(date);
    values.forEach((v, j) => raw[j].push(v));
  }
  const notes: string[] = [];
  if (nonNumeric.size) {
    const [col, example] = nonNumeric.entries().next().value as [string, string];
    throw new Error(`${where}: column "${col}" is not numeric (e.g. "${example}"); fix the file or choose another column.`);
  }
  if (nullRows) notes.push(`${nullRows} fila(s) con valores nulos descartadas`);
  if (zeroVolume) notes.push(droppedZero ? `${droppedZero} fila(s) con volumen 0 (festivos de Yahoo) descartadas` : `${zeroVolume} fila(s) con volumen 0 (festivos de Yahoo) conservadas`);
  const columns: Record<string, Float64Array> = {};
  valueCols.forEach((c, j) => (columns[c.h] = Float64Array.from(raw[j])));
  return { header, dates, columns, notes };
}
