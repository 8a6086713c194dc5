// Executes a notebook with ten charts through the runner, exports it to HTML and opens it
// offline in headless Chromium: every chart must draw its traces with no page error, and
// with JavaScript disabled every chart's static image must be there. Also: the formulas of the
// markdown cells (those of every notebook in notebooks/, and of every export in out/) show as
// MathML with the network blocked, never as raw TeX. RNN_SKIP_BROWSER=1 skips.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lossFigure, seriesFigure } from '../../src';
import { chromiumPath, CHROMIUM_FLAGS, closeRenderer } from '../../src/plot/render';
import { figureBundle } from '../../src/plot/show';
import { root, runNotebooks, writeNotebook } from '../support/runner';

const skip = process.env.RNN_SKIP_BROWSER === '1';

/** The markdown of a notebook file, one string per markdown cell. */
function markdownCells(file: string): string[] {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => ([] as string[]).concat(c.source).join(''));
}

/** How many formulas a markdown text holds: $$…$$ and $…$ outside code, not \$ (the notebooks have no prices in $). */
function formulaCount(markdown: string): number {
  const prose = markdown
    .replace(/^```[\s\S]*?^```/gm, '')
    .replace(/`[^`]*`/g, '')
    .replace(/\\\$/g, '');
  // $…$: no space after the opening $, none before the closing one, no digit after it
  return (prose.match(/\$\$[\s\S]+?\$\$|\$[^\s$](?:[^$]*[^\s$])?\$(?!\d)/g) ?? []).length;
}

/** TeX that a reader would see as text if a formula was not typeset. */
const RAW_TEX = /\\[a-zA-Z]+|[_^]\{|\$[^\s$](?:[^$]*[^\s$])?\$(?!\d)/;

interface MathCheck {
  formulas: number;
  drawn: number;
  errors: string[];
  rawTex: string[];
  requests: string[];
}

/** Opens an exported notebook with every non-file request aborted and looks at its formulas. */
async function checkMath(exe: string, html: string): Promise<MathCheck> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_FLAGS, headless: true });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    await page.route(/^(?!file:|data:|about:)/, (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    await page.goto(`file://${html}`);
    const seen = await page.$$eval(
      '.jp-MarkdownOutput',
      (cells, raw) => {
        const re = new RegExp(raw);
        const math = cells.flatMap((c) => Array.from(c.querySelectorAll('math')));
        return {
          formulas: math.length,
          drawn: math.filter((m) => m.getBoundingClientRect().width > 0 && m.getBoundingClientRect().height > 0).length,
          errors: cells.flatMap((c) => Array.from(c.querySelectorAll('.katex-error')).map((e) => e.textContent ?? '')),
          // visible prose: text nodes outside code and outside hidden elements (a formula's TeX annotation)
          rawTex: cells
            .map((c) => {
              const walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
              let text = '';
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const parent = n.parentElement!;
                if (!parent.closest('code, pre') && parent.checkVisibility()) text += n.textContent;
              }
              return text;
            })
            .filter((t) => re.test(t)),
        };
      },
      RAW_TEX.source,
    );
    return { ...seen, requests };
  } finally {
    await browser.close();
  }
}

const lib = JSON.stringify(path.join(root, 'dist'));
const CHARTS = 10;

describe.skipIf(skip)('charts in a real browser', () => {
  it('draw offline, keep static images for viewers without JavaScript, and stay small', {
    timeout: 300_000,
  }, async () => {
    const exe = chromiumPath();
    if (!exe)
      throw new Error(
        'Chromium is required for the browser test: apt-get install chromium (or set RNN_CHROMIUM, or RNN_SKIP_BROWSER=1 to skip).',
      );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-browser-'));
    const nb = writeNotebook(dir, 'graficos', [
      `import { show, seriesFigure, lossFigure, hitRateFigure, correlogramFigure, distributionFigure, metricsComparisonFigure, paramCountFigure, smallMultiplesFigure, predictionFigure, report } from ${lib};`,
      'const xs = Array.from({ length: 200 }, (_, i) => i); const ys = xs.map((i) => Math.sin(i / 10));',
      'await show(seriesFigure(xs, { seno: ys }));',
      'await show(predictionFigure({ x: xs, y: ys }, { train: { x: xs.slice(0, 150), predicted: ys.slice(0, 150) }, test: { x: xs.slice(150), predicted: ys.slice(150) } }));',
      'await show(lossFigure({ history: { loss: [1, 0.5, 0.2], val_loss: [1.1, 0.6, 0.3] } }, { logScale: true }));',
      'await show(hitRateFigure({ m: { margins: [0.02, 0.03, 0.05], rates: [0.4, 0.6, 0.9] } }));',
      'await show(correlogramFigure(ys.slice(0, 30), 0.1));',
      'await show(distributionFigure(ys));',
      'await show(metricsComparisonFigure({ a: { MSE: 1, MAE: 0.5 }, b: { MSE: 2, MAE: 0.7 } }));',
      'await show(paramCountFigure([5, 10, 20], { densa: [97, 177, 337], rnn: [36, 36, 36] }));',
      'await show(smallMultiplesFigure(xs, { a: ys, b: ys.map((v) => v * 2), c: ys.map((v) => -v) }));',
      'await show(seriesFigure(xs, { coseno: xs.map((i) => Math.cos(i / 10)) }));',
      'report({ graficos: 10 });',
    ]);
    const run = await runNotebooks([nb]);
    if (run.status !== 0) console.error(run.stdout + run.stderr);
    expect(run.status).toBe(0);
    const html = path.join(run.outDir, 'graficos.html');
    const ipynbSize = fs.statSync(path.join(run.outDir, 'graficos.ipynb')).size;
    const htmlSize = fs.statSync(html).size;
    console.log(
      `executed notebook with ${CHARTS} charts: ipynb ${(ipynbSize / 1e6).toFixed(2)} MB, html ${(htmlSize / 1e6).toFixed(2)} MB`,
    );
    expect(ipynbSize).toBeLessThan(8 * 1024 * 1024);
    expect(htmlSize).toBeLessThan(8 * 1024 * 1024);
    const saved = JSON.parse(fs.readFileSync(path.join(run.outDir, 'graficos.ipynb'), 'utf8'));
    const withLibrary = saved.cells.filter((c: { outputs: Array<{ data?: Record<string, unknown> }> }) =>
      c.outputs.some((o) =>
        String(([] as string[]).concat((o.data?.['text/html'] as string[]) ?? []).join('')).includes('plotly.js v2'),
      ),
    );
    expect(withLibrary).toHaveLength(1);

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_FLAGS, headless: true });
    try {
      const url = `file://${html}`;
      const live = await browser.newContext();
      const page = await live.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.route(/^(?!file:|data:|about:)/, (route) => route.abort());
      await page.goto(url);
      await page.waitForFunction((n) => document.querySelectorAll('.rnn-plot .js-plotly-plot').length === n, CHARTS, {
        timeout: 60_000,
      });
      await page.waitForTimeout(500);
      // every trace of every chart drawn (one SVG trace group per trace, with a path or bars)
      const charts = await page.$$eval('.rnn-plot .js-plotly-plot', (els) =>
        els.map((el) => ({
          traces: (el as unknown as { data: unknown[] }).data.length,
          drawn: Array.from(el.querySelectorAll('g.trace')).filter((g) => g.querySelector('path')).length,
          imgHidden: getComputedStyle(el.parentElement!.querySelector('img.rnn-static-plot')!).display === 'none',
        })),
      );
      expect(charts).toHaveLength(CHARTS);
      for (const c of charts) {
        expect(c.traces).toBeGreaterThan(0);
        expect(c.drawn).toBe(c.traces);
        expect(c.imgHidden).toBe(true); // the static image gives way to the live chart
      }
      expect(errors).toEqual([]);
      await live.close();

      const noJs = await browser.newContext({ javaScriptEnabled: false });
      const still = await noJs.newPage();
      await still.goto(url);
      const images = await still.$$eval('.rnn-plot img', (els) =>
        els.map((el) => ({ src: (el as HTMLImageElement).src.slice(0, 22), w: (el as HTMLImageElement).naturalWidth })),
      );
      expect(images).toHaveLength(CHARTS);
      for (const img of images) {
        expect(img.src).toBe('data:image/png;base64,');
        expect(img.w).toBeGreaterThan(100);
      }
      // no blank box where the live chart would be
      const liveHeights = await still.$$eval('.rnn-plot .rnn-plot-live', (els) =>
        els.map((el) => (el as HTMLElement).offsetHeight),
      );
      expect(liveHeights).toEqual(new Array(CHARTS).fill(0));
      await noJs.close();
    } finally {
      await browser.close();
    }
  });

  it('typesets the formulas of every notebook as MathML, offline, with no raw TeX left', {
    timeout: 180_000,
  }, async () => {
    const exe = chromiumPath();
    if (!exe)
      throw new Error('Chromium is required for the browser test: apt-get install chromium (or RNN_SKIP_BROWSER=1).');
    // Every markdown cell of the project's notebooks, plus prose that is not a formula.
    const sources = fs
      .readdirSync(path.join(root, 'notebooks'))
      .filter((f) => f.endsWith('.ipynb'))
      .flatMap((f) => markdownCells(path.join(root, 'notebooks', f)));
    const decoys = 'Cuesta $5 o $10; `const s = $x$` en código; un \\$ escapado; $$\\frac{a}{b}$$ y $x_{t-1}$.';
    sources.push(decoys);
    const expected = sources.reduce((n, s) => n + formulaCount(s), 0);
    expect(formulaCount(decoys)).toBe(2);
    expect(expected).toBeGreaterThan(10);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-math-'));
    const file = writeNotebook(dir, 'formulas', [`import { report } from ${lib};\nreport({ ok: 1 });`]);
    const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
    nb.cells.unshift(...sources.map((source, i) => ({ cell_type: 'markdown', id: `m${i}`, metadata: {}, source })));
    fs.writeFileSync(file, JSON.stringify(nb));
    const run = await runNotebooks([file]);
    if (run.status !== 0) console.error(run.stdout + run.stderr);
    expect(run.status).toBe(0);
    const exports = [path.join(run.outDir, 'formulas.html')];
    // And whatever the main job exported last (out/ is not in git: present after `npm run notebooks`).
    const out = path.join(root, 'out');
    if (fs.existsSync(out)) {
      for (const f of fs.readdirSync(out).filter((f) => f.endsWith('.html'))) {
        if (fs.existsSync(path.join(out, f.replace(/\.html$/, '.ipynb')))) exports.push(path.join(out, f));
      }
    }
    for (const html of exports) {
      const source = html.replace(/\.html$/, '.ipynb');
      const want = markdownCells(source).reduce((n, s) => n + formulaCount(s), 0);
      const seen = await checkMath(exe, html);
      expect({ html, ...seen }).toEqual({ html, formulas: want, drawn: want, errors: [], rawTex: [], requests: [] });
    }
    const page = fs.readFileSync(exports[0], 'utf8');
    expect(page).toContain('<mo>∘</mo>'); // \circ of 02's LSTM, typeset
    expect(page).toContain('Cuesta $5 o $10');
  });

  it('a chart whose output renders before the one carrying plotly.js still draws', { timeout: 120_000 }, async () => {
    const exe = chromiumPath();
    if (!exe)
      throw new Error(
        'Chromium is required for the browser test: apt-get install chromium (or set RNN_CHROMIUM, or RNN_SKIP_BROWSER=1 to skip).',
      );
    const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)));
    const withLib = (
      await figureBundle(
        seriesFigure(
          days,
          days.map((_, i) => Math.sin(i / 9)),
        ),
        { staticImage: false, includeLibrary: true },
      )
    ).bundle['text/html'] as string;
    const without = (
      await figureBundle(lossFigure({ history: { loss: [1, 0.5], val_loss: [1.2, 0.6] } }), {
        staticImage: false,
        includeLibrary: false,
      })
    ).bundle['text/html'] as string;
    await closeRenderer();
    expect(without).not.toContain('plotly.js v2');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-order-'));
    const file = path.join(dir, 'order.html');
    // As in JupyterLab with lazily rendered cells: the later output's script runs first.
    fs.writeFileSync(file, `<!doctype html><html><body>${without}<p>…</p>${withLib}</body></html>`);
    const browser = await (await import('playwright-core')).chromium.launch({
      executablePath: exe,
      args: CHROMIUM_FLAGS,
      headless: true,
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.route(/^(?!file:|data:|about:)/, (route) => route.abort());
      await page.goto(`file://${file}`);
      await page.waitForFunction(
        () => document.querySelectorAll('.rnn-plot .js-plotly-plot g.trace').length === 3,
        undefined,
        { timeout: 30_000 },
      );
      expect(errors).toEqual([]);
      const ticks = await page.$$eval('.xtick text', (els) => els.map((e) => e.textContent ?? '').join(' '));
      expect(ticks).toMatch(/ene|feb/); // Spanish month names on date axes
    } finally {
      await browser.close();
    }
  });
});
