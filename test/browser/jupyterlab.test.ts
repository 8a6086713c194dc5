// JupyterLab itself, in a real browser: the project's JupyterLab (.venv) on a free loopback port
// with a known token, Chromium through playwright-core. It opens 00-entorno and a training
// notebook (quick mode through the environment), runs all cells from the Run menu and checks
// the kernel (TypeScript, tslab), every cell's execution count, no error output, live Plotly
// charts and the training progress line; then it opens a notebook executed by the runner and
// checks the saved charts JupyterLab shows. Screenshots: out/jupyterlab-*.png. The server is
// shut down at the end, also when a check fails. RNN_SKIP_BROWSER=1 skips.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, chromiumPath } from '../../src/plot/render';
import { JupyterServer, freePort } from '../support/jupyter-server';
import { dataDirForTests, root, runNotebooks } from '../support/runner';

interface JupyterEnvModule {
  jupyterEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  searchPython(modules: string[]): { python: string | null; tried: Array<{ python: string; reason: string }> };
}
// scripts/ is plain CommonJS shared with the runner and `npm run lab`.
const { jupyterEnv, searchPython } = require('../../scripts/jupyter-env') as JupyterEnvModule;

const skip = process.env.RNN_SKIP_BROWSER === '1';
const TOKEN = `rnn-test-${process.pid}`;
const TRAINING = '01-amazon-elman';
const shots = path.join(process.env.RNN_OUT_DIR ? path.resolve(process.env.RNN_OUT_DIR) : path.join(root, 'out'));

/** A JupyterLab root laid out like the project (notebooks/ beside dist/ and node_modules/). */
function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-lab-'));
  fs.symlinkSync(path.join(root, 'dist'), path.join(dir, 'dist'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  fs.mkdirSync(path.join(dir, 'notebooks'));
  for (const name of ['00-entorno', TRAINING]) {
    fs.copyFileSync(path.join(root, 'notebooks', `${name}.ipynb`), path.join(dir, 'notebooks', `${name}.ipynb`));
  }
  return dir;
}

let server: JupyterServer | undefined;
let dir = '';
let port = 0;

describe.skipIf(skip)('JupyterLab in a real browser', () => {
  beforeAll(async () => {
    const { python, tried } = searchPython(['jupyterlab']);
    if (!python)
      throw new Error(
        `JupyterLab is required for this test: npm install sets it up in .venv (tried: ${tried
          .map((t) => `${t.python}: ${t.reason}`)
          .join('; ')}). RNN_SKIP_BROWSER=1 skips.`,
      );
    if (!chromiumPath()) throw new Error('Chromium is required: apt-get install chromium (or RNN_SKIP_BROWSER=1).');
    dir = workspace();
    port = await freePort();
    const state = path.join(dir, '.jupyter');
    const dataDir = dataDirForTests();
    // every cell in the DOM (JupyterLab 4 leaves cells out of view unrendered by default), so the
    // checks below see every cell's prompt, outputs and charts
    const settings = path.join(state, 'config', 'lab', 'user-settings', '@jupyterlab', 'notebook-extension');
    fs.mkdirSync(settings, { recursive: true });
    fs.writeFileSync(path.join(settings, 'tracker.jupyterlab-settings'), JSON.stringify({ windowingMode: 'none' }));
    // no "official Jupyter news?" prompt over the screenshots (there is no internet here anyway)
    const apputils = path.join(state, 'config', 'lab', 'user-settings', '@jupyterlab', 'apputils-extension');
    fs.mkdirSync(apputils, { recursive: true });
    fs.writeFileSync(path.join(apputils, 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false' }));
    const env = {
      ...jupyterEnv(),
      // a fresh JupyterLab state per run: no restored workspace, nothing shared with `npm run lab`
      JUPYTER_CONFIG_DIR: path.join(state, 'config'),
      JUPYTER_DATA_DIR: path.join(state, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(state, 'runtime'),
      RNN_QUICK: '1',
      ...(dataDir ? { RNN_DATA_DIR: dataDir } : {}),
    };
    server = new JupyterServer(
      python,
      [
        '-m',
        'jupyterlab',
        '--no-browser',
        '--ServerApp.ip=127.0.0.1',
        `--ServerApp.port=${port}`,
        '--ServerApp.port_retries=0',
        `--IdentityProvider.token=${TOKEN}`,
        `--ServerApp.root_dir=${dir}`,
        '--LabApp.news_url=None',
        '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
        ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
      ],
      { cwd: dir, env },
      port,
      TOKEN,
    );
    await server.ready(90_000);
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses requests without the token', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/api/contents`);
    expect(r.status).toBe(403);
  });

  it('runs 00-entorno and a training notebook through the UI, then shows a saved notebook', {
    timeout: 900_000,
  }, async () => {
    // the saved notebook: 00-entorno executed by the runner, as `npm run notebooks` leaves it
    const run = await runNotebooks([path.join(root, 'notebooks', '00-entorno.ipynb')], { RNN_QUICK: '1' });
    if (run.status !== 0) console.error(run.stdout + run.stderr);
    expect(run.status).toBe(0);
    fs.copyFileSync(path.join(run.outDir, '00-entorno.ipynb'), path.join(dir, 'notebooks', 'ejecutado.ipynb'));

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      // the browser reaches JupyterLab and nothing else: every chart must work offline
      await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
      fs.mkdirSync(shots, { recursive: true });
      for (const name of ['00-entorno', TRAINING]) {
        const page = await context.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (e) => pageErrors.push(e.message));
        // ?reset: a fresh workspace, only this notebook open (not the one of the page before)
        await page.goto(`http://127.0.0.1:${port}/lab/tree/notebooks/${name}.ipynb?reset&token=${TOKEN}`);
        const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
        await panel.locator('.jp-Cell').first().waitFor({ timeout: 120_000 });
        await page.waitForFunction(
          () => document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]'),
          null,
          {
            timeout: 120_000,
          },
        );

        // the kernel: TypeScript in the toolbar, tslab in the server's session list
        await expect
          .poll(() => page.locator('.jp-KernelName').first().textContent(), { timeout: 30_000 })
          .toMatch(/^TypeScript/);
        const kernelOf = async () => {
          const r = await fetch(`http://127.0.0.1:${port}/api/sessions?token=${TOKEN}`);
          const sessions = (await r.json()) as Array<{ path: string; kernel: { name: string } }>;
          return sessions.find((s) => s.path.endsWith(`${name}.ipynb`))?.kernel.name;
        };
        await expect.poll(kernelOf, { timeout: 60_000 }).toBe('tslab');

        // Run ▸ Run All Cells, as a student would
        await page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
        await page.locator('.lm-Menu-item', { hasText: 'Run All Cells' }).first().click();
        const cells = await panel.locator('.jp-CodeCell').count();
        let sawProgress = false;
        const deadline = Date.now() + 300_000;
        for (;;) {
          // textContent, not innerText: JupyterLab skips the rendering of cells scrolled out of view
          const prompts = await panel.locator('.jp-CodeCell .jp-InputPrompt').allTextContents();
          if (name === TRAINING && !sawProgress)
            sawProgress = /época \d+\/\d+/.test(
              (await panel.locator('.jp-OutputArea-output').allTextContents()).join('\n'),
            );
          if (prompts.length === cells && prompts.every((p) => /^\[\d+\]:$/.test(p.trim()))) break;
          if (Date.now() > deadline) throw new Error(`${name}: cells still running or not run: ${prompts.join(' ')}`);
          await page.waitForTimeout(1000);
        }
        await page.waitForTimeout(1500); // let the last chart draw
        await panel.locator('.rnn-plot').last().scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(shots, `jupyterlab-${name}.png`), fullPage: false });

        // no error output: tslab writes errors to stderr; errors of other kinds have their own MIME type
        const errors = await panel
          .locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]',
          )
          .evaluateAll((els) => els.map((el) => el.textContent ?? '').filter((t) => /error|Error|TS\d{4}/.test(t)));
        expect(errors, `${name}: error outputs`).toEqual([]);
        expect(pageErrors, `${name}: page errors`).toEqual([]);

        // every chart live: plotly.js drew its SVG with at least one trace
        const charts = await panel.locator('.jp-OutputArea-output .rnn-plot').evaluateAll((els) =>
          els.map((el) => ({
            live: !!el.querySelector('.js-plotly-plot svg.main-svg'),
            traces: el.querySelectorAll('.js-plotly-plot g.trace, .js-plotly-plot g.barlayer .point').length,
          })),
        );
        expect(charts.length, `${name}: charts`).toBeGreaterThan(0);
        for (const c of charts) {
          expect(c.live).toBe(true);
          expect(c.traces).toBeGreaterThan(0);
        }
        if (name === TRAINING) {
          const finalText = (await panel.locator('.jp-OutputArea-output').allTextContents()).join('\n');
          expect(sawProgress || /época \d+\/\d+/.test(finalText), 'the training progress line').toBe(true);
        }
        await page.close();
      }

      // a notebook executed by the runner: JupyterLab shows its saved charts
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/lab/tree/notebooks/ejecutado.ipynb?reset&token=${TOKEN}`);
      await page.locator('.jp-NotebookPanel .jp-Cell').first().waitFor({ timeout: 120_000 });
      await page.waitForTimeout(3000);
      await page.locator('.jp-OutputArea-output img').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shots, 'jupyterlab-saved-notebook.png'), fullPage: false });
      const saved = await page.$$eval('.jp-OutputArea-output', (els) =>
        els
          .filter((el) => el.querySelector('.rnn-plot, img'))
          .map((el) => {
            const img = el.querySelector('img') as HTMLImageElement | null;
            return {
              live: !!el.querySelector('.js-plotly-plot svg.main-svg'),
              image: !!img && img.naturalWidth > 100 && img.getBoundingClientRect().width > 100,
            };
          }),
      );
      console.log(`saved notebook in JupyterLab: ${JSON.stringify(saved)}`);
      expect(saved.length, 'saved charts shown').toBeGreaterThan(0);
      for (const s of saved) expect(s.live || s.image).toBe(true);
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
