/**
 * Static PNG rendering of Plotly figures in headless Chromium (Debian `chromium` driven by
 * playwright-core; no browser download). One browser page per process: in a tslab kernel
 * it stays alive for the whole session (playwright kills it when the kernel exits);
 * elsewhere (a Node script) it is closed after {@link RENDERER_IDLE_MS} without renders,
 * so that the script can end.
 */
import * as fs from 'fs';
import { tslabDisplayWriter } from './kernel';
import { PLOTLY_LOCALE_ES, plotlyScriptPath } from './library';
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
    throw new Error(`Chromium not found${process.env.RNN_CHROMIUM ? ` at RNN_CHROMIUM=${process.env.RNN_CHROMIUM}` : ''} (install Debian/Ubuntu \`chromium\` or set RNN_CHROMIUM to its path)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
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

async function draw(page: PageLike, figure: PlotlyFigure, width: number, height: number): Promise<string> {
  const url = await page.evaluate(
    async (arg: { fig: PlotlyFigure; width: number; height: number }) => {
      const P = (globalThis as unknown as { Plotly: { toImage: (f: unknown, o: unknown) => Promise<string> } }).Plotly;
      return P.toImage({ data: arg.fig.data, layout: arg.fig.layout, config: { locale: 'es' } }, { format: 'png', width: arg.width, height: arg.height });
    },
    { fig: figure, width, height },
  );
  return url.replace(/^data:image\/png;base64,/, '');
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
