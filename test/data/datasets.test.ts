import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCsv, loadDataset, loadJena } from '../../src';
import { parseCsvText } from '../../src/data/csv';
import { downloadToCache } from '../../src/data/fetch';
import { seriesOf } from '../../src/data/load';
import { datasetInfo } from '../../src/data/registry';
import { realDataDir } from '../support/data';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-data-'));

describe.skipIf(!realDataDir)('the real course files (RNN_DATA_DIR)', () => {
  it.each([
    ['melbourne', 3650, '1981-01-01', '1990-12-31', { Temp: [20.7, 13.0] }],
    [
      'amazon',
      6516,
      '1997-05-15',
      '2023-04-05',
      { Open: [0.121875, 103.910004], Close: [0.097917, 101.099998], Volume: [1443120000, 45103000] },
    ],
    [
      'iberdrola',
      3508,
      '2004-08-19',
      '2018-05-04',
      { Open: [4.1425, 6.542], Close: [4.145, 6.57], 'Adj Close': [1.541634, 6.57], Volume: [42915960, 10350879] },
    ],
    ['sp500', 7322, '1979-04-11', '2008-04-11', { y: [102.31, 1357.98] }],
  ] as const)('%s: %d rows from %s to %s, first and last values', async (name, rows, first, last, ends) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const d = await loadDataset(name, { dataDir: realDataDir, download: false });
      expect(d.rows).toBe(rows);
      expect(d.dates[0].toISOString().slice(0, 10)).toBe(first);
      expect(d.dates[rows - 1].toISOString().slice(0, 10)).toBe(last);
      for (const [column, [v0, vLast]] of Object.entries(ends)) {
        const s = seriesOf(d, column);
        expect(s).toBeInstanceOf(Float64Array);
        expect([s[0], s[rows - 1]]).toEqual([v0, vLast]);
      }
      expect(d.source).toBe('data-dir');
      expect(d.warnings).toEqual([]);
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
  it.each(['melbourne', 'amazon', 'iberdrola', 'sp500'] as const)(
    '%s: every row and value as a plain split of the file gives them',
    async (name) => {
      const info = datasetInfo(name);
      const lines = fs
        .readFileSync(path.join(realDataDir!, info.file), 'utf8')
        .split(/\r?\n/)
        .filter((l) => l !== '');
      const cells = lines.map((l) => l.split(',').map((c) => c.replace(/"/g, '')));
      const d = await loadDataset(name, { dataDir: realDataDir, download: false });
      expect([info.dateColumn, ...d.columnNames]).toEqual(cells[0]);
      expect(d.dates.map((t) => t.toISOString().slice(0, 10))).toEqual(cells.slice(1).map((r) => r[0]));
      d.columnNames.forEach((c, j) =>
        expect(Array.from(d.column(c))).toEqual(cells.slice(1).map((r) => Number(r[j + 1]))),
      );
    },
  );
  it('keeps and counts the 13 zero-volume Iberdrola rows, or drops them on request', async () => {
    const kept = await loadDataset('iberdrola', { dataDir: realDataDir });
    expect(kept.notes.join()).toMatch(/13 fila\(s\) con volumen 0 .* conservadas/);
    const dropped = await loadDataset('iberdrola', { dataDir: realDataDir, dropZeroVolume: true });
    expect(dropped.rows).toBe(3508 - 13);
  });
  it('filters by date and builds a danfojs frame', async () => {
    const d = await loadDataset('iberdrola', { dataDir: realDataDir, from: '2012-01-01' });
    expect(d.dates[0].toISOString().slice(0, 10)).toBe('2012-01-02');
    expect(d.frame.shape).toEqual([d.rows, 7]);
    expect(d.frame.columns).toContain('Close');
  });
});

describe('CSV parsing', () => {
  it('copes with quoted headers, CRLF, no final newline, null rows', () => {
    const text = '"Date","Open","Volume"\r\n"2020-01-02",1.5,10\r\n2020-01-03,null,null\r\n2020-01-06,"2.5",0';
    const p = parseCsvText(text);
    expect(p.header).toEqual(['Date', 'Open', 'Volume']);
    expect(p.dates.map((d) => d.toISOString().slice(0, 10))).toEqual(['2020-01-02', '2020-01-06']);
    expect(Array.from(p.columns.Open)).toEqual([1.5, 2.5]);
    expect(p.notes).toEqual([
      '1 fila(s) con valores nulos descartadas',
      '1 fila(s) con volumen 0 (festivos de Yahoo) conservadas',
    ]);
  });
  it("reads Jena's dd.mm.yyyy HH:MM:SS dates", () => {
    const p = parseCsvText(
      'Date Time,p (mbar),T (degC)\n01.01.2009 00:10:00,996.52,-8.02\n01.01.2009 00:20:00,996.57,-8.41\n',
    );
    expect(p.dates[1].toISOString()).toBe('2009-01-01T00:20:00.000Z');
    expect(Array.from(p.columns['T (degC)'])).toEqual([-8.02, -8.41]);
  });
  it('reads a Spanish export with ; and decimal commas (loadCsv)', () => {
    const dir = tmp();
    const file = path.join(dir, 'ibe.csv');
    fs.writeFileSync(file, 'Fecha;Cierre\n2012-01-02;4,512\n2012-01-03;4,601\n');
    const d = loadCsv(file);
    expect(Array.from(d.column('Cierre'))).toEqual([4.512, 4.601]);
  });
  it('names the problem in bad files', () => {
    expect(() => parseCsvText('Date,Close\n2020-01-01,abc\n', { source: 'x.csv' })).toThrow(
      /x.csv: column "Close" is not numeric \(e.g. "abc"\)/,
    );
    expect(() => parseCsvText('Date,Close\n', { source: 'x.csv' })).toThrow(/no data rows/);
    expect(() => parseCsvText('Date,Close\nyesterday,1\n', { source: 'x.csv' })).toThrow(
      /"yesterday" in column "Date" is not a date/,
    );
    expect(() => parseCsvText('Date,Close\n2020-01-01,1,2\n', { source: 'x.csv' })).toThrow(
      /line 2 has 3 fields but the header has 2/,
    );
    expect(() => loadCsv('/no/such/file.csv')).toThrow(/does not exist/);
  });
  it('lists the valid names for an unknown dataset or column', async () => {
    expect(() => datasetInfo('ibex')).toThrow(
      /Unknown dataset "ibex": use one of melbourne, amazon, iberdrola, sp500, jena/,
    );
    const d = loadCsv(writeTmp('Date,Close\n2020-01-01,1\n'));
    expect(() => d.column('Cierre')).toThrow(/Unknown column "Cierre" .* available columns are Close/);
  });
});

function writeTmp(text: string): string {
  const f = path.join(tmp(), 'f.csv');
  fs.writeFileSync(f, text);
  return f;
}

describe('downloads into the cache', () => {
  const body = Buffer.from('Date,Temp\n1981-01-01,20.7\n1981-01-02,17.9\n');
  const sha = crypto.createHash('sha256').update(body).digest('hex');
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/good.csv' || req.url === '/bad.csv') {
        res.writeHead(200, { 'content-length': body.length });
        res.end(req.url === '/good.csv' ? body : Buffer.from(body.toString().replace('20.7', '99.9')));
      } else if (req.url === '/cut.csv') {
        res.writeHead(200, { 'content-length': body.length * 10 });
        res.write(body);
        setTimeout(() => res.destroy(), 20);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());
  afterEach(() => {
    delete process.env.RNN_CACHE_DIR;
  });

  it('verifies the checksum and renames into place', async () => {
    const dir = tmp();
    const target = path.join(dir, 'x.csv');
    await downloadToCache({ url: `${base}/good.csv`, target, expected: { sha256: sha, size: body.length } });
    expect(fs.readFileSync(target)).toEqual(body);
    expect(fs.readdirSync(dir)).toEqual(['x.csv']);
  });
  it('leaves nothing behind on a checksum mismatch and says what to do', async () => {
    const dir = tmp();
    await expect(
      downloadToCache({ url: `${base}/bad.csv`, target: path.join(dir, 'x.csv'), expected: { sha256: sha } }),
    ).rejects.toThrow(/does not match the expected checksum .*nothing was saved.*RNN_DATA_DIR/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
  it('leaves nothing behind when the transfer is interrupted', async () => {
    const dir = tmp();
    await expect(
      downloadToCache({ url: `${base}/cut.csv`, target: path.join(dir, 'x.csv'), expected: { sha256: sha } }),
    ).rejects.toThrow(/interrupted|aborted|socket hang up|ECONNRESET/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
  it('loadDataset downloads into the cache once, then reads the cache', async () => {
    process.env.RNN_CACHE_DIR = tmp();
    const saved = process.env.RNN_DATA_DIR;
    delete process.env.RNN_DATA_DIR;
    try {
      const info = datasetInfo('melbourne');
      const spy = { ...info };
      Object.assign(info, { sha256: sha, size: body.length });
      const first = await loadDataset('melbourne', { url: `${base}/good.csv` });
      expect(first.source).toBe('download');
      const again = await loadDataset('melbourne', { url: `${base}/missing.csv` });
      expect(again.source).toBe('cache');
      expect(again.rows).toBe(2);
      Object.assign(info, spy);
    } finally {
      if (saved) process.env.RNN_DATA_DIR = saved;
    }
  });
  it('offline without a local copy: names the file, the URL and RNN_DATA_DIR', async () => {
    process.env.RNN_CACHE_DIR = tmp();
    const saved = process.env.RNN_DATA_DIR;
    delete process.env.RNN_DATA_DIR;
    try {
      await expect(loadDataset('sp500', { url: 'http://127.0.0.1:9/SP500_Datos.csv' })).rejects.toThrow(
        /Could not download SP500_Datos.csv from http:\/\/127.0.0.1:9\/SP500_Datos.csv .*RNN_DATA_DIR/,
      );
      await expect(loadDataset('sp500', { download: false })).rejects.toThrow(
        /SP500_Datos.csv is not available locally .*RNN_DATA_DIR/,
      );
      expect(fs.readdirSync(process.env.RNN_CACHE_DIR!)).toEqual([]);
    } finally {
      if (saved) process.env.RNN_DATA_DIR = saved;
    }
  });
});

describe('Jena stand-in', () => {
  it('loadJena says so when it falls back to generated data', async () => {
    const saved = process.env.RNN_DATA_DIR;
    process.env.RNN_CACHE_DIR = tmp();
    delete process.env.RNN_DATA_DIR;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const d = await loadJena({ rows: 50, download: false });
      expect(d.source).toBe('generated');
      expect(log.mock.calls[0][0]).toMatch(/DATOS GENERADOS.*NO son comparables/);
    } finally {
      log.mockRestore();
      delete process.env.RNN_CACHE_DIR;
      if (saved) process.env.RNN_DATA_DIR = saved;
    }
  });
});
