/**
 * Files and settings that used to load wrongly or fail with a misleading message: each must
 * either load correctly (and say what was done) or fail naming the problem and the fix.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCsv, loadDataset, loadJena } from '../../src';
import { parseCsvText, parseDateCell } from '../../src/data/csv';
import { downloadToCache } from '../../src/data/fetch';
import { datasetInfo } from '../../src/data/registry';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-bad-'));
const day = (d: Date) => d.toISOString().slice(0, 10);

function writeTmp(text: string | Buffer, name = 'f.csv'): string {
  const f = path.join(tmp(), name);
  fs.writeFileSync(f, text);
  return f;
}

/** Runs `fn` with console.log captured; returns the printed lines. */
async function printed<T>(fn: () => T | Promise<T>): Promise<{ value: T; lines: string[] }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const value = await fn();
    return { value, lines: log.mock.calls.map((c) => String(c[0])) };
  } finally {
    log.mockRestore();
  }
}

describe('date order', () => {
  it('sorts a newest-first file ascending, notes it, and loadCsv prints it once', async () => {
    const file = writeTmp('Date,Close\n2020-01-03,4\n2020-01-02,3\n2020-01-01,2\n');
    const { value: d, lines } = await printed(() => loadCsv(file));
    expect(d.dates.map(day)).toEqual(['2020-01-01', '2020-01-02', '2020-01-03']);
    expect(Array.from(d.column('Close'))).toEqual([2, 3, 4]);
    expect(d.notes.join()).toMatch(/orden descendente .*ordenadas por fecha ascendente/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^⚠ f\.csv: filas en orden descendente/);
    expect(d.between('2020-01-02').warnings).toEqual(d.warnings);
  });
  it('rejects repeated dates, naming the first two lines', () => {
    expect(() => parseCsvText('Date,Close\n2020-01-03,4\n2020-01-01,2\n2020-01-01,3', { source: 'x.csv' })).toThrow(
      /x\.csv: lines 3 and 4 have the same date 2020-01-01; a series needs one row per date/,
    );
  });
  it('rejects a disordered file, naming the first line out of order', () => {
    const text = 'Date,Close\n2020-01-01,1\n2020-01-02,1\n2020-01-06,1\n2020-01-03,1\n2020-01-07,1\n';
    expect(() => parseCsvText(text, { source: 'x.csv' })).toThrow(
      /out of order: line 5 \(2020-01-03\) comes after line 4 \(2020-01-06\) .*mostly increase/,
    );
  });
  it("keeps the file's order with dateOrder: 'file', as a warning", () => {
    const p = parseCsvText('Date,Close\n2020-01-03,4\n2020-01-01,2\n2020-01-01,3', { dateOrder: 'file' });
    expect(p.dates.map(day)).toEqual(['2020-01-03', '2020-01-01', '2020-01-01']);
    expect(p.warnings.join()).toMatch(/1 fecha\(s\) repetida\(s\), la primera en las líneas 3 y 4/);
  });
  it('counts line numbers of the file, blank lines and dropped null rows included', () => {
    expect(() =>
      parseCsvText('Date,Close\n\n2020-01-02,null\n2020-01-02,1\n2020-01-02,2\n', { source: 'x.csv' }),
    ).toThrow(/lines 4 and 5 have the same date/);
  });
});

describe('impossible dates', () => {
  it.each([
    ['2020-13-45', /line 3: "2020-13-45" in column "Date" is not a valid date: there is no month 13/],
    ['2020-02-30', /line 3: "2020-02-30" in column "Date" is not a valid date: February 2020 has 29 days/],
    ['2021-02-29', /February 2021 has 28 days/],
    ['2020-01-01 25:00', /hour 25 does not exist/],
    ['2020-01-01garbage', /line 3: "2020-01-01garbage" in column "Date" is not a date/],
    ['32.01.2009 00:10:00', /there is no day|January 2009 has 31 days/],
  ])('%s is an error naming the line and the cell', (cell, message) => {
    expect(() => parseCsvText(`Date,Close\n2019-12-31,1\n${cell},2\n`, { source: 'x.csv' })).toThrow(message);
  });
  it('parseDateCell accepts real dates only, anchored at both ends', () => {
    expect(parseDateCell('2020-01-01garbage')).toBeUndefined();
    expect(parseDateCell('2020-02-30')).toBeUndefined();
    expect(parseDateCell('2020-13-45')).toBeUndefined();
    expect(parseDateCell('2020-02-29')?.toISOString()).toBe('2020-02-29T00:00:00.000Z');
    expect(parseDateCell('2020-01-02 10:30:15')?.toISOString()).toBe('2020-01-02T10:30:15.000Z');
    expect(parseDateCell('2020-01-02T10:30:15.250Z')?.toISOString()).toBe('2020-01-02T10:30:15.250Z');
    expect(parseDateCell('01.01.2009 00:10:00', 'dmy')?.toISOString()).toBe('2009-01-01T00:10:00.000Z');
  });
  it('keeps the written clock time of yfinance-style dates with an offset, and notes it', () => {
    const p = parseCsvText('Date,Close\n2020-01-02 00:00:00+01:00,1\n2020-01-03 00:00:00+01:00,2\n');
    expect(p.dates.map((d) => d.toISOString())).toEqual(['2020-01-02T00:00:00.000Z', '2020-01-03T00:00:00.000Z']);
    expect(p.notes.join()).toMatch(/zona horaria \("\+01:00"\) ignorada en 2 fecha/);
  });
});

describe('decimal separator', () => {
  it('reads dot decimals in a ; file (was: every . removed, 1.5 → 15)', () => {
    const p = parseCsvText('Date;Open;Close\n2020-01-01;1.5;12.25');
    expect([p.columns.Open[0], p.columns.Close[0]]).toEqual([1.5, 12.25]);
    expect(p.decimal).toBe('.');
  });
  it('reads decimal commas, with a dot as thousands separator only where the pattern proves it', () => {
    const p = parseCsvText(
      'Date;Open;Close;Volume\n2020-01-01;1.234,5;4,512;1.234.567\n2020-01-02;1.240,25;4,6;2.000.000\n',
    );
    expect(Array.from(p.columns.Open)).toEqual([1234.5, 1240.25]);
    expect(Array.from(p.columns.Close)).toEqual([4.512, 4.6]);
    expect(Array.from(p.columns.Volume)).toEqual([1234567, 2000000]);
    expect(p.decimal).toBe(',');
  });
  it('reads US thousands commas in quoted cells when a decimal point proves the convention', () => {
    const p = parseCsvText('Date,Close,Volume\n2020-01-01,"1,234.50","1,000"\n2020-01-02,"1,240.25","2,000"\n');
    expect(Array.from(p.columns.Close)).toEqual([1234.5, 1240.25]);
    expect(Array.from(p.columns.Volume)).toEqual([1000, 2000]);
  });
  it('an ambiguous file is an error that says how to state the separator; stated, it loads', () => {
    const text = 'Date;Close\n2020-01-01;1.234\n2020-01-02;2.345\n';
    expect(() => parseCsvText(text, { source: 'x.csv' })).toThrow(
      /x\.csv: the decimal separator cannot be told .*"1\.234" \(line 2, column "Close"\) may be 1\.234 .* or 1234 .*decimal: ','/,
    );
    expect(Array.from(parseCsvText(text, { decimal: ',' }).columns.Close)).toEqual([1234, 2345]);
    expect(Array.from(parseCsvText(text, { decimal: '.' }).columns.Close)).toEqual([1.234, 2.345]);
    expect(() => parseCsvText('Date,Close\n2020-01-01,"4,512"\n', { source: 'x.csv' })).toThrow(
      /may be 4\.512 .* or 4512/,
    );
  });
  it('a file that mixes both decimal separators is an error naming both cells', () => {
    expect(() => parseCsvText('Date;Open;Close\n2020-01-01;1.5;2,5\n', { source: 'x.csv' })).toThrow(
      /line 2, column "Close": "2,5" is written with a decimal ",", but "1\.5" \(line 2, column "Open"\) has a decimal point: the file mixes/,
    );
    expect(() => parseCsvText('Date;Close\n2020-01-01;1.5\n', { decimal: ',' })).toThrow(
      /"1\.5" is written with a decimal "\.", which does not fit decimal: ','/,
    );
  });
  it('accepts exponents and signs, rejects hex and Infinity', () => {
    expect(Array.from(parseCsvText('Date,A\n2020-01-01,-1.5e-3\n2020-01-02,+2\n').columns.A)).toEqual([-0.0015, 2]);
    expect(() => parseCsvText('Date,A\n2020-01-01,0x10\n')).toThrow(/column "A" is not numeric \(e\.g\. "0x10"\)/);
    expect(() => parseCsvText('Date,A\n2020-01-01,Infinity\n')).toThrow(/not numeric/);
  });
});

describe('file layouts', () => {
  it('reads tab-separated files', () => {
    const d = loadCsv(writeTmp('Date\tOpen\tClose\n2020-01-01\t1.5\t2\n2020-01-02\t1.75\t3\n'));
    expect(d.columnNames).toEqual(['Open', 'Close']);
    expect(Array.from(d.column('Open'))).toEqual([1.5, 1.75]);
  });
  it('reads CR-only line endings (old Mac exports)', () => {
    const p = parseCsvText('Date,Close\r2020-01-01,1.5\r2020-01-02,2\r');
    expect(p.dates.map(day)).toEqual(['2020-01-01', '2020-01-02']);
  });
  it("uses Excel's sep=; first line", () => {
    const p = parseCsvText('sep=;\r\nDate;Close\r\n2020-01-01;1,5\r\n2020-01-02;2\r\n');
    expect(p.header).toEqual(['Date', 'Close']);
    expect(Array.from(p.columns.Close)).toEqual([1.5, 2]);
  });
  it('a header that does not split is an error naming the header and the separators', () => {
    expect(() => parseCsvText('Date|Close\n2020-01-01|1\n', { source: 'x.csv' })).toThrow(
      /x\.csv: the header "Date\|Close" has a single column .*"," ";" or tab/,
    );
  });
  it('reads UTF-16 files with their byte-order mark (Excel "Unicode text")', () => {
    const text = 'Date\tClose\r\n2020-01-01\t1.5\r\n2020-01-02\t2\r\n';
    const d = loadCsv(writeTmp(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])));
    expect(Array.from(d.column('Close'))).toEqual([1.5, 2]);
  });
  it('says what a file is when it is no CSV (HTML page, LFS pointer, zip)', () => {
    expect(() => parseCsvText('<!DOCTYPE html>\n<html>', { source: 'x.csv' })).toThrow(/x\.csv is an HTML\/XML page/);
    expect(() =>
      parseCsvText('version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n', { source: 'x.csv' }),
    ).toThrow(/Git LFS pointer/);
    expect(() => parseCsvText('PK\u0003\u0004rest', { source: 'x.csv' })).toThrow(/zip archive/);
  });
  it('loadCsv keeps only the columns asked for, so a text column does not stop the load', () => {
    const text =
      'Fecha;Último;Apertura;Vol.;% var.\n02.01.2012;4,51;4,49;12,34M;-0,47%\n03.01.2012;4,60;4,52;1,2M;1,9%\n';
    const file = writeTmp(text);
    expect(() => loadCsv(file)).toThrow(
      /column "Vol\." is not numeric \(e\.g\. "12,34M"\), first on line 2; .*columns: \["Último", "Apertura"\]/,
    );
    const d = loadCsv(file, { columns: ['Último', 'Apertura'] });
    expect(d.columnNames).toEqual(['Último', 'Apertura']);
    expect(Array.from(d.column('Último'))).toEqual([4.51, 4.6]);
    expect(d.dates.map(day)).toEqual(['2012-01-02', '2012-01-03']);
    expect(d.dateColumn).toBe('Fecha');
    expect(() => loadCsv(file, { columns: ['Cierre'] })).toThrow(
      /columns: there is no column "Cierre" \(the file has "Fecha", "Último"/,
    );
  });
  it('a null in a column not kept does not drop the row', () => {
    const p = parseCsvText('Date,Close,Volume\n2020-01-01,1,null\n2020-01-02,2,5\n', { columns: ['Close'] });
    expect(Array.from(p.columns.Close)).toEqual([1, 2]);
  });
  it('a folder given as a file is named as such', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'IBE.MC.csv'), 'Date,Close\n2020-01-01,1\n');
    expect(() => loadCsv(dir)).toThrow(
      /loadCsv: ".*" is a folder, not a file; give the path of the CSV file inside it \(it holds IBE\.MC\.csv\)/,
    );
  });
});

/** Puts RNN_DATA_DIR and RNN_CACHE_DIR back as they were before a test changed them. */
function restoreFolders(saved: { data?: string; cache?: string }): void {
  for (const [k, v] of [
    ['RNN_DATA_DIR', saved.data],
    ['RNN_CACHE_DIR', saved.cache],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

describe('where loadDataset looks', () => {
  const saved = { data: process.env.RNN_DATA_DIR, cache: process.env.RNN_CACHE_DIR };
  beforeEach(() => {
    delete process.env.RNN_DATA_DIR;
    process.env.RNN_CACHE_DIR = tmp();
  });
  afterEach(() => {
    restoreFolders(saved);
  });

  it('names RNN_DATA_DIR when it points to a missing folder (resolved path shown)', async () => {
    process.env.RNN_DATA_DIR = 'no-such-folder-xyz';
    await expect(loadDataset('sp500', { download: false })).rejects.toThrow(
      /RNN_DATA_DIR is "no-such-folder-xyz" \(that is .*no-such-folder-xyz, relative to the current folder .*\), but there is no such folder/,
    );
    await expect(loadDataset('sp500', { dataDir: '/no/such/dir', download: false })).rejects.toThrow(
      /dataDir is "\/no\/such\/dir", but there is no such folder/,
    );
  });
  it('a folder given as path is named, with the dataDir it meant', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'SP500_Datos.csv'), 'ds,y\n2020-01-01,1\n');
    await expect(loadDataset('sp500', { path: dir })).rejects.toThrow(
      /path: ".*" is a folder, not a file; it holds SP500_Datos\.csv: pass \{ dataDir: /,
    );
  });
  it('RNN_CACHE_DIR that is a file is named (not "no internet")', async () => {
    process.env.RNN_CACHE_DIR = writeTmp('x', 'not-a-folder');
    const err = await loadDataset('sp500', { url: 'http://127.0.0.1:9/x.csv' }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/RNN_CACHE_DIR is ".*not-a-folder", which is a file, not a folder/);
    expect((err as Error).message).not.toMatch(/internet/);
  });
  it('the offline message lists where it looked', async () => {
    const dir = tmp();
    await expect(loadDataset('sp500', { dataDir: dir, download: false })).rejects.toThrow(
      new RegExp(`Looked in: dataDir ${dir}; the cache `),
    );
  });

  describe('a local copy that is not the registered file', () => {
    const ibe = (rows: string[]) =>
      `Date,Open,High,Low,Close,Adj Close,Volume\n${rows.map((d) => `${d},1,1,1,1,1,10`).join('\n')}\n`;
    it('in a data folder, shorter and within the registered dates: an error (truncated copy)', async () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'IBE.MC.csv'), ibe(['2004-08-19', '2004-08-20']));
      await expect(loadDataset('iberdrola', { dataDir: dir })).rejects.toThrow(
        /IBE\.MC\.csv is shorter than the registered IBE\.MC\.csv \(\d+ of 228684 bytes; 2 rows, 2004-08-19 … 2004-08-20; the registered file: 3508 rows, 2004-08-19 … 2018-05-04\): it looks like a truncated .*pass \{ path: /,
      );
    });
    it('given as path: used as it is, and said so (printed)', async () => {
      const file = writeTmp(ibe(['2004-08-19', '2004-08-20']), 'IBE.MC.csv');
      const { value: d, lines } = await printed(() => loadDataset('iberdrola', { path: file }));
      expect(d.rows).toBe(2);
      expect(lines.join('\n')).toMatch(
        /⚠ iberdrola: el fichero .* no es la copia registrada .*: 2 filas, 2004-08-19 … 2004-08-20 \(la registrada: 3508 filas, 2004-08-19 … 2018-05-04\)/,
      );
    });
    it('a fuller export in a data folder: used, said so (printed), and a newest-first one sorted', async () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'IBE.MC.csv'), ibe(['2024-12-31', '2024-12-30', '2010-01-04']));
      const { value: d, lines } = await printed(() => loadDataset('iberdrola', { dataDir: dir }));
      expect(d.dates.map(day)).toEqual(['2010-01-04', '2024-12-30', '2024-12-31']);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/no es la copia registrada/);
      expect(lines[1]).toMatch(/orden descendente/);
    });
    it('a damaged last line says the file may be truncated', async () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'IBE.MC.csv'), `${ibe(['2004-08-19', '2004-08-20'])}2004-08-23,1,1`);
      await expect(loadDataset('iberdrola', { dataDir: dir })).rejects.toThrow(
        /line 4 has 3 fields .*last line: the file may be cut short[\s\S]*not the registered copy of IBE\.MC\.csv/,
      );
    });
  });

  describe('Jena: only a missing file falls back to generated data', () => {
    const jenaHeader = 'Date Time,p (mbar),T (degC)\n';
    it('a damaged file in the data folder is an error naming it, no banner', async () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'jena_climate_2009_2016.csv'), `${jenaHeader}01.01.2009 00:10:00,996.52\n`);
      process.env.RNN_DATA_DIR = dir;
      const { value: err, lines } = await printed(() => loadJena({ rows: 10, download: false }).catch((e: Error) => e));
      expect((err as Error).message).toMatch(/jena_climate_2009_2016\.csv: line 2 has 2 fields but the header has 3/);
      expect(lines.join()).not.toMatch(/DATOS GENERADOS/);
    });
    it('a truncated file in the data folder is an error naming it', async () => {
      const dir = tmp();
      fs.writeFileSync(
        path.join(dir, 'jena_climate_2009_2016.csv'),
        `${jenaHeader}01.01.2009 00:10:00,996.52,-8.02\n01.01.2009 00:20:00,996.57,-8.41\n`,
      );
      process.env.RNN_DATA_DIR = dir;
      await expect(printed(() => loadJena({ rows: 10, download: false }))).rejects.toThrow(
        /jena_climate_2009_2016\.csv is shorter than the registered .*2009-01-01 00:10:00 … 2017-01-01/,
      );
    });
    it('a damaged cached file is an error naming it', async () => {
      fs.writeFileSync(path.join(process.env.RNN_CACHE_DIR!, 'jena_climate_2009_2016.csv'), 'x');
      await expect(printed(() => loadJena({ rows: 10, download: false }))).rejects.toThrow(
        /The cached copy .*jena_climate_2009_2016\.csv is damaged/,
      );
    });
    it('absent: the generated stand-in, with the banner and the reason', async () => {
      const { value: d, lines } = await printed(() => loadJena({ rows: 10, download: false }));
      expect(d.source).toBe('generated');
      expect(lines[0]).toMatch(/DATOS GENERADOS/);
      expect(lines[1]).toMatch(/motivo: jena_climate_2009_2016\.csv is not available locally/);
    });
  });
});

describe('downloads: slow servers, redirects, HTTP errors, progress', () => {
  const body = Buffer.from('Date,Temp\n1981-01-01,20.7\n1981-01-02,17.9\n');
  const sha = crypto.createHash('sha256').update(body).digest('hex');
  let server: http.Server;
  let base = '';
  const timers = new Set<NodeJS.Timeout>();
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = req.url ?? '';
      if (url === '/good.csv') {
        res.writeHead(200, { 'content-length': body.length });
        res.end(body);
      } else if (url === '/trickle.csv') {
        // One byte every 20 ms: never idle long enough for the idle timeout.
        res.writeHead(200, { 'content-length': 10_000 });
        const t = setInterval(() => res.write('x'), 20);
        timers.add(t);
        res.on('close', () => clearInterval(t));
      } else if (url === '/loop-a' || url === '/loop-b') {
        res.writeHead(302, { location: url === '/loop-a' ? '/loop-b' : '/loop-a' });
        res.end();
      } else if (url.startsWith('/hop/')) {
        const n = Number(url.slice(5));
        res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/good.csv' });
        res.end();
      } else if (url === '/no-location') {
        res.writeHead(302);
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const t of timers) clearInterval(t);
    server.closeAllConnections();
    server.close();
  });

  it('a server that trickles bytes is cut off at the deadline; nothing is left behind', async () => {
    const dir = tmp();
    await expect(
      downloadToCache({ url: `${base}/trickle.csv`, target: path.join(dir, 'x.csv'), expected: {}, deadlineMs: 400 }),
    ).rejects.toThrow(/the download of .*trickle\.csv did not finish within 0\.4 s \(\d+ of 10000 bytes received\)/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
  it('reports progress as bytes arrive', async () => {
    const seen: Array<[number, number | undefined]> = [];
    await downloadToCache({
      url: `${base}/good.csv`,
      target: path.join(tmp(), 'x.csv'),
      expected: { sha256: sha },
      onProgress: (r, t) => seen.push([r, t]),
    });
    expect(seen.at(-1)).toEqual([body.length, body.length]);
  });
  it('follows redirects, names a loop and too many hops', async () => {
    const target = path.join(tmp(), 'x.csv');
    await downloadToCache({ url: `${base}/hop/3`, target, expected: { sha256: sha } });
    expect(fs.readFileSync(target)).toEqual(body);
    await expect(
      downloadToCache({ url: `${base}/loop-a`, target: path.join(tmp(), 'x.csv'), expected: {} }),
    ).rejects.toThrow(/redirect loop: .*\/loop-a → .*\/loop-b → .*\/loop-a/);
    await expect(
      downloadToCache({ url: `${base}/hop/9`, target: path.join(tmp(), 'x.csv'), expected: {} }),
    ).rejects.toThrow(/more than 5 redirects: .*\/hop\/9 → .*\/hop\/3/);
    await expect(
      downloadToCache({ url: `${base}/no-location`, target: path.join(tmp(), 'x.csv'), expected: {} }),
    ).rejects.toThrow(/HTTP 302 \(Found\) without a Location header/);
  });
  it('loadDataset: an HTTP error or a redirect loop gets its own advice, not "no internet"', async () => {
    const saved = { data: process.env.RNN_DATA_DIR, cache: process.env.RNN_CACHE_DIR };
    delete process.env.RNN_DATA_DIR;
    process.env.RNN_CACHE_DIR = tmp();
    try {
      const e404 = await printed(() => loadDataset('sp500', { url: `${base}/gone.csv` }).catch((e: Error) => e));
      expect((e404.value as Error).message).toMatch(
        /Could not download SP500_Datos\.csv from .*gone\.csv \(HTTP 404 \(Not Found\) from .*\)\. The address may have changed/,
      );
      expect(e404.lines[0]).toMatch(/^Descargando SP500_Datos\.csv desde /);
      const loop = await printed(() => loadDataset('sp500', { url: `${base}/loop-a` }).catch((e: Error) => e));
      expect((loop.value as Error).message).toMatch(/redirect loop: .*The server keeps redirecting/);
      const slow = await printed(() =>
        loadDataset('sp500', { url: `${base}/trickle.csv`, downloadTimeoutMs: 300 }).catch((e: Error) => e),
      );
      expect((slow.value as Error).message).toMatch(/did not finish within 0\.3 s .*too slow: .*downloadTimeoutMs/);
      expect(fs.readdirSync(process.env.RNN_CACHE_DIR)).toEqual([]);
    } finally {
      restoreFolders(saved);
    }
  });
  it('the registry knows the date range of every data set', () => {
    for (const name of ['melbourne', 'amazon', 'iberdrola', 'sp500', 'jena']) {
      const info = datasetInfo(name);
      expect(Date.parse(info.first.includes('T') ? info.first : `${info.first}T00:00:00Z`)).toBeLessThan(
        Date.parse(info.last.includes('T') ? info.last : `${info.last}T00:00:00Z`),
      );
    }
  });
});
