import { createRequire } from 'node:module';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  correlogramFigure,
  distributionFigure,
  hitRateFigure,
  lossFigure,
  metricsComparisonFigure,
  paramCountFigure,
  predictionFigure,
  seriesFigure,
  show,
  smallMultiplesFigure,
} from '../../src';
import { WEBGL_POINTS } from '../../src/plot/figures';
import { closeRenderer } from '../../src/plot/render';
import { describeFigure, figureBundle, resetPlotlyLibrary } from '../../src/plot/show';
import type { DisplayContent } from '../../src/plot/kernel';

const pngSize = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

afterAll(async () => {
  await closeRenderer();
});

describe('figure builders', () => {
  it('series over dates, Spanish titles by default, overridable', () => {
    const f = seriesFigure([new Date(Date.UTC(2020, 0, 1)), new Date(Date.UTC(2020, 0, 2))], Float64Array.from([1, 2]));
    expect(f.data[0]).toMatchObject({ x: ['2020-01-01', '2020-01-02'], y: [1, 2] });
    expect(seriesFigure([new Date(Date.UTC(2009, 0, 1, 0, 10))], [1]).data[0].x).toEqual(['2009-01-01T00:10:00.000Z']);
    expect((f.layout.xaxis as { title: { text: string } }).title.text).toBe('Fecha');
    expect((seriesFigure([1], [1], { title: 'Mine' }).layout.title as { text: string }).text).toBe('Mine');
  });
  it('predictions aligned on the x values given for each part', () => {
    const f = predictionFigure(
      { x: [0, 1, 2, 3], y: [1, 2, 3, 4] },
      { train: { x: [1, 2], predicted: [2.1, 2.9] }, test: { x: [3], predicted: [4.2] } },
    );
    expect(f.data.map((t) => t.name)).toEqual(['Real', 'Predicción (entrenamiento)', 'Predicción (test)']);
    expect(f.data[2].x).toEqual([3]);
    expect(() => predictionFigure({ x: [0, 1], y: [1] }, {})).toThrow(/actual.x has 2 values but actual.y has 1/);
  });
  it('loss curves for one or several histories, log scale, validation only', () => {
    const h = { history: { loss: [1, 0.5], val_loss: [1.2, 0.7] } };
    expect(lossFigure(h).data).toHaveLength(2);
    const f = lossFigure({ a: h, b: h }, { logScale: true, validationOnly: true });
    expect(f.data.map((t) => t.name)).toEqual(['a · validación', 'b · validación']);
    expect((f.layout.yaxis as { type: string }).type).toBe('log');
    expect(() => lossFigure(h, { key: 'mae' })).toThrow(/has no "mae" series \(has: loss, val_loss\)/);
  });
  it('hit rates in percent, correlogram band, distribution mean, comparison, parameters, small multiples', () => {
    expect(hitRateFigure({ m: { margins: [0.02, 0.05], rates: [0.5, 0.9] } }).data[0]).toMatchObject({
      x: [2, 5],
      y: [50, 90],
    });
    expect(hitRateFigure({ m: { margins: [2, 5], rates: [50, 90] } }).data[0]).toMatchObject({
      x: [2, 5],
      y: [50, 90],
    });
    const c = correlogramFigure([1, 0.5, 0.2], 0.1);
    expect(c.data[0].y).toEqual([0.1, 0.1, 0.1, -0.1, -0.1, -0.1]);
    expect(seriesFigure([0, 1, 2], [0.1 + 0.2, NaN, 1234.56789012]).data[0].y).toEqual([0.3, null, 1234.568]); // 7 digits, gaps
    const d = distributionFigure([1, 2, 3, 6, NaN]);
    expect(d.data[2].name).toBe('Media = 3.000');
    expect(metricsComparisonFigure({ a: { MSE: 1 }, b: { MSE: 2 } }).data[0]).toMatchObject({
      x: ['a', 'b'],
      y: [1, 2],
    });
    expect(paramCountFigure([5, 10], { densa: [100, 200] }).data[0]).toMatchObject({ x: [5, 10], y: [100, 200] });
    expect(smallMultiplesFigure([0, 1], { a: [1, 2], b: [3, 4], c: [5, 6] }).layout.grid).toEqual({
      rows: 2,
      columns: 2,
      pattern: 'independent',
    });
  });
  it('SVG lines by default, WebGL only for large figures or on request', () => {
    const small = Array.from({ length: 100 }, (_, i) => i);
    const big = Array.from({ length: WEBGL_POINTS + 1 }, (_, i) => i);
    expect(seriesFigure(small, small).data[0].type).toBe('scatter');
    expect(seriesFigure(big, big).data[0].type).toBe('scattergl');
    expect(seriesFigure(big, big, { webgl: false }).data[0].type).toBe('scatter');
    expect(
      predictionFigure({ x: small, y: small }, { test: { x: small, predicted: small } }, { webgl: true }).data.map(
        (t) => t.type,
      ),
    ).toEqual(['scattergl', 'scattergl']);
  });
});

describe('show() bundle', () => {
  it('carries Plotly JSON, offline HTML with plotly.js once, a PNG and a text description', async () => {
    const fig = seriesFigure([0, 1, 2], [1, 3, 2], { title: 'Prueba' });
    const first = await figureBundle(fig);
    expect(Object.keys(first.bundle).sort()).toEqual([
      'application/vnd.plotly.v1+json',
      'image/png',
      'text/html',
      'text/plain',
    ]);
    expect(
      Buffer.from(first.bundle['image/png'] as string, 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const html = first.bundle['text/html'] as string;
    expect(html).toContain('plotly.js v2');
    expect(html).not.toMatch(/<script[^>]*\ssrc=/); // the library is inlined, never loaded from a URL
    expect(first.bundle['text/plain']).toBe('Prueba: serie (3 puntos)');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const returned = await show(fig); // outside a kernel: prints the description, returns the bundle
    expect(log.mock.calls[0][0]).toBe('Prueba: serie (3 puntos)');
    expect(returned?.['text/plain']).toBe('Prueba: serie (3 puntos)');
    log.mockRestore();
  });
  it('still returns an interactive bundle, with a note, when Chromium is unavailable', async () => {
    await closeRenderer();
    const saved = process.env.RNN_CHROMIUM;
    process.env.RNN_CHROMIUM = '/nonexistent/chromium';
    try {
      const r = await figureBundle(seriesFigure([0], [1]));
      expect(r.bundle['image/png']).toBeUndefined();
      expect(r.note).toMatch(/sin imagen estática: Chromium not found/);
    } finally {
      if (saved === undefined) delete process.env.RNN_CHROMIUM;
      else process.env.RNN_CHROMIUM = saved;
      await closeRenderer();
    }
  });
  it('in a tslab kernel: one display output with all four MIME types, plotly.js in the first only, nothing echoed', async () => {
    // A stand-in for the kernel's tslab/dist/jupyter module, as tslab sets it during a cell.
    const req = createRequire(import.meta.url);
    const fake = '/fake/node_modules/tslab/dist/jupyter.js';
    const written: DisplayContent[] = [];
    req.cache[fake] = {
      id: fake,
      filename: fake,
      loaded: true,
      exports: { lastWriteDisplayData: (c: DisplayContent) => written.push(c) },
    } as unknown as NodeJS.Module;
    resetPlotlyLibrary();
    try {
      const xs = [0, 1, 2, 3];
      const grid = smallMultiplesFigure(xs, { a: xs, b: xs, c: xs, d: xs, e: xs });
      expect(await show(grid)).toBeUndefined();
      expect(await show(lossFigure({ history: { loss: [1, 0.5] } }))).toBeUndefined();
      expect(written).toHaveLength(2);
      expect(Object.keys(written[0].data).sort()).toEqual([
        'application/vnd.plotly.v1+json',
        'image/png',
        'text/html',
        'text/plain',
      ]);
      const html = written.map((w) => w.data['text/html'] as string);
      expect(html[0]).toContain('plotly.js v2');
      expect(html[1]).not.toContain('plotly.js v2');
      expect(html[1].length).toBeLessThan(200_000);
      expect(html[1]).toContain('rnn-plotly-ready'); // waits for the library instead of failing
      // the live chart has no height before its script runs: no blank box without JavaScript
      expect(html[0]).toMatch(/class="rnn-plot-live" style="width:100%"><\/div>/);
      // the static image takes the figure's own height (3 rows of small multiples)
      expect(pngSize(written[0].data['image/png'] as string)).toEqual({ width: 900, height: grid.layout.height });
      expect((await figureBundle(grid, { includeLibrary: true })).bundle['text/html']).toContain('plotly.js v2');
      // charts shown concurrently after a reset: still exactly one carries the library
      resetPlotlyLibrary();
      written.length = 0;
      await Promise.all([
        show(grid, { staticImage: false }),
        show(grid, { staticImage: false }),
        show(grid, { staticImage: false }),
      ]);
      expect(written.filter((w) => (w.data['text/html'] as string).includes('plotly.js v2'))).toHaveLength(1);
    } finally {
      delete req.cache[fake];
      resetPlotlyLibrary();
    }
  });
  it('rejects something that is not a figure', async () => {
    expect(describeFigure({ data: [], layout: {} })).toBe('Gráfico: ');
    expect(describeFigure(correlogramFigure([1, 0.5], 0.2, { title: 'ACF' }))).toBe(
      'ACF: Banda 95 % (4 puntos), correlación (2 puntos)',
    );
    await expect(figureBundle({} as never)).rejects.toThrow(/figure must be a Plotly figure/);
  });
});

describe('indexed PNG', () => {
  it('writes valid chunks (CRC as zlib computes it) holding the palette and the indices', async () => {
    const { encodeIndexedPng } = await import('../../src/plot/png');
    const zlib = await import('node:zlib');
    const png = encodeIndexedPng(3, 2, [0xffffff, 0x1f77b4], Uint8Array.from([0, 1, 0, 1, 1, 0]));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const chunks: Record<string, Buffer> = {};
    for (let at = 8; at < png.length; ) {
      const len = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      expect(png.readUInt32BE(at + 8 + len)).toBe(zlib.crc32(png.subarray(at + 4, at + 8 + len)));
      chunks[type] = png.subarray(at + 8, at + 8 + len);
      at += 12 + len;
    }
    expect(Object.keys(chunks)).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    expect([chunks.IHDR.readUInt32BE(0), chunks.IHDR.readUInt32BE(4), chunks.IHDR[8], chunks.IHDR[9]]).toEqual([
      3, 2, 8, 3,
    ]);
    expect([...chunks.PLTE]).toEqual([255, 255, 255, 0x1f, 0x77, 0xb4]);
    expect([...zlib.inflateSync(chunks.IDAT)]).toEqual([0, 0, 1, 0, 0, 1, 1, 0]);
    expect(() => encodeIndexedPng(2, 2, [0], new Uint8Array(3))).toThrow(/3 indices for 2×2 pixels/);
  });
});
