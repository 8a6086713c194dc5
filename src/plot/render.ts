/**
 * Static PNG rendering of Plotly figures in headless Chromium (Debian `chromium` driven by
 * playwright-core; no browser download). One browser page per process: in a tslab kernel
 * it stays alive for the whole session (playwright kills it when the kernel exits);
 * elsewhere (a Node script) it is closed after {@link RENDERER_IDLE_MS} without renders,
 * so that the script can end.
 */
import * as fs from 'node:fs';
import { tslabDisplayWriter } from './kernel';
import { PLOTLY_LOCALE_ES, plotlyScriptPath } from './library';
import { encodeIndexedPng } from './png';
import type { PlotlyFigure } from './figure';

/** Chromium flags that work offline in this sandbox (design.md §3). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium executable: `RNN_CHROMIUM` when set (only it), else the first usual Debian/Ubuntu path that exists. */
export function chromiumPath(): string | undefined {
  if (process.env.RNN_CHROMIUM) return fs.existsSync(process.env.RNN_CHROMIUM) ? process.env.RNN_CHROMIUM : undefined;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
}

interface PageLike {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

interface Renderer {
  page: PageLike;
  close(): Promise<void>;
}

let renderer: Promise<Renderer> | undefined;
let inFlight = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** Outside a tslab kernel, the renderer closes after this many milliseconds without renders. */
export const RENDERER_IDLE_MS = 2000;

async function openRenderer(): Promise<Renderer> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new Error(
      `Chromium not found${process.env.RNN_CHROMIUM ? ` at RNN_CHROMIUM=${process.env.RNN_CHROMIUM}` : ''} (install Debian/Ubuntu \`chromium\` or set RNN_CHROMIUM to its path)`,
    );
  }
  // required here: playwright-core is loaded only when a chart is drawn as PNG
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  // No signal handlers: playwright's SIGINT handler would exit the kernel when the user
  // interrupts a cell, and a SIGTERM handler would keep it from terminating. Playwright
  // still kills the browser synchronously at process exit.
  const browser = await chromium.launch({
    executablePath,
    args: CHROMIUM_FLAGS,
    headless: true,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  try {
    const page = await browser.newPage();
    await page.route(/^(?!data:|about:)/, (route) => route.abort());
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: fs.readFileSync(plotlyScriptPath(), 'utf8') });
    await page.addScriptTag({ content: `Plotly.register(${JSON.stringify(PLOTLY_LOCALE_ES)});` });
    return { page, close: () => browser.close() };
  } catch (err) {
    await browser.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Renders `figure` to a PNG (base64, no `data:` prefix) of the given size in pixels.
 * Starts the shared headless Chromium on first use; rejects with a readable message when
 * Chromium is missing or fails to start.
 */
export async function renderPng(figure: PlotlyFigure, width = 900, height = 450): Promise<string> {
  if (!renderer) {
    const opening = openRenderer();
    renderer = opening;
    opening.catch(() => {
      if (renderer === opening) renderer = undefined;
    });
  }
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  inFlight++;
  try {
    const { page } = await renderer;
    return await draw(page, figure, width, height);
  } finally {
    inFlight--;
    if (inFlight === 0 && renderer !== undefined && !tslabDisplayWriter()) {
      idleTimer = setTimeout(() => {
        idleTimer = undefined;
        if (inFlight === 0) void closeRenderer().catch(() => undefined);
      }, RENDERER_IDLE_MS);
    }
  }
}

interface Rendered {
  png: string;
  /** Present when the picture could be reduced to 256 colours: palette (0xRRGGBB) and base64 indices. */
  indexed?: { palette: number[]; indices: string };
}

async function draw(page: PageLike, figure: PlotlyFigure, width: number, height: number): Promise<string> {
  const r = await page.evaluate(
    async (arg: { fig: PlotlyFigure; width: number; height: number }): Promise<Rendered> => {
      // Browser code (no DOM types in this project's lib): Plotly's PNG, then its pixels
      // composited on white and reduced to the 256 most frequent colours.
      // biome-ignore lint/suspicious/noExplicitAny: browser globals (Plotly, Image, document); this project's lib has no DOM types
      const g = globalThis as any;
      const url: string = await g.Plotly.toImage(
        { data: arg.fig.data, layout: arg.fig.layout, config: { locale: 'es' } },
        { format: 'png', width: arg.width, height: arg.height },
      );
      const png = url.replace(/^data:image\/png;base64,/, '');
      try {
        const img = new g.Image();
        img.src = url;
        await img.decode();
        const canvas = g.document.createElement('canvas');
        canvas.width = arg.width;
        canvas.height = arg.height;
        const ctx = canvas.getContext('2d');
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(0, 0, arg.width, arg.height);
        ctx.drawImage(img, 0, 0);
        const px: Uint8ClampedArray = ctx.getImageData(0, 0, arg.width, arg.height).data;
        const n = arg.width * arg.height;
        const counts = new Map<number, number>();
        for (let i = 0; i < n; i++) {
          const c = (px[4 * i] << 16) | (px[4 * i + 1] << 8) | px[4 * i + 2];
          counts.set(c, (counts.get(c) ?? 0) + 1);
        }
        const palette = Array.from(counts.entries())
          .sort((a, b) => b[1] - a[1])
          .slice(0, 256)
          .map((e) => e[0]);
        const slot = new Map<number, number>();
        palette.forEach((c, i) => slot.set(c, i));
        const nearest = (c: number): number => {
          let best = 0;
          let bestD = Infinity;
          const r0 = c >> 16,
            g0 = (c >> 8) & 255,
            b0 = c & 255;
          for (let i = 0; i < palette.length; i++) {
            const p = palette[i];
            const dr = (p >> 16) - r0,
              dg = ((p >> 8) & 255) - g0,
              db = (p & 255) - b0;
            const d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
            if (d < bestD) {
              bestD = d;
              best = i;
            }
          }
          slot.set(c, best);
          return best;
        };
        const idx = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const c = (px[4 * i] << 16) | (px[4 * i + 1] << 8) | px[4 * i + 2];
          const s = slot.get(c);
          idx[i] = s === undefined ? nearest(c) : s;
        }
        let bin = '';
        for (let i = 0; i < n; i += 0x8000)
          bin += String.fromCharCode.apply(null, Array.from(idx.subarray(i, i + 0x8000)));
        return { png, indexed: { palette, indices: g.btoa(bin) } };
      } catch {
        return { png };
      }
    },
    { fig: figure, width, height },
  );
  if (!r.indexed) return r.png;
  const small = encodeIndexedPng(
    width,
    height,
    r.indexed.palette,
    new Uint8Array(Buffer.from(r.indexed.indices, 'base64')),
  ).toString('base64');
  return small.length < r.png.length ? small : r.png;
}

/** Closes the rendering browser now (tests; otherwise it closes by itself, see the module note). */
export async function closeRenderer(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  const current = renderer;
  renderer = undefined;
  if (!current) return;
  const opened = await current.catch(() => undefined);
  if (opened) await opened.close();
}
