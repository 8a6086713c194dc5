/**
 * Static PNG rendering of Plotly figures in headless Chromium (Debian `chromium` driven by
 * playwright-core; no browser download). One browser page per process, kept alive and
 * closed at exit.
 */
import * as fs from 'fs';
import { plotlyScriptPath } from './library';
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

let pagePromise: Promise<PageLike> | undefined;
let closeBrowser: (() => Promise<void>) | undefined;

async function openPage(): Promise<PageLike> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new Error(`Chromium not found${process.env.RNN_CHROMIUM ? ` at RNN_CHROMIUM=${process.env.RNN_CHROMIUM}` : ''} (install Debian/Ubuntu \`chromium\` or set RNN_CHROMIUM to its path)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
  closeBrowser = () => browser.close();
  process.once('exit', () => {
    void browser.close().catch(() => undefined);
  });
  const page = await browser.newPage();
  await page.route(/^(?!data:|about:)/, (route) => route.abort());
  await page.setContent('<!doctype html><html><body><div id="c"></div></body></html>');
  await page.addScriptTag({ content: fs.readFileSync(plotlyScriptPath(), 'utf8') });
  return page;
}

/** Renders `figure` to a PNG (base64, no data: prefix) of the given size. */
export async function renderPng(figure: PlotlyFigure, width = 900, height = 450): Promise<string> {
  if (!pagePromise) {
    pagePromise = openPage();
    pagePromise.catch(() => {
      pagePromise = undefined;
    });
  }
  const page = await pagePromise;
  const url = await page.evaluate(
    async (arg: { fig: PlotlyFigure; width: number; height: number }) => {
      const P = (globalThis as unknown as { Plotly: { toImage: (f: unknown, o: unknown) => Promise<string> } }).Plotly;
      return P.toImage({ data: arg.fig.data, layout: arg.fig.layout }, { format: 'png', width: arg.width, height: arg.height });
    },
    { fig: figure, width, height },
  );
  return url.replace(/^data:image\/png;base64,/, '');
}

/** Closes the rendering browser (tests; notebooks close it at process exit). */
export async function closeRenderer(): Promise<void> {
  const close = closeBrowser;
  pagePromise = undefined;
  closeBrowser = undefined;
  if (close) await close();
}
