/**
 * Grading by hand, as the README's instructor's guide says: `npm run lab -- --course` serves the
 * project with nbgrader's formgrader on the course, and a submission autograded with
 * `npm run nbgrader -- autograde` shows up there with its score, ready for manual grading.
 * On a copy of the fixture course inside the project (formgrader only manages a course inside the
 * folder the server serves), in Chromium with the network blocked. RNN_SKIP_BROWSER=1 skips.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, chromiumPath } from '../../src/plot/render';
import { classroom } from '../support/classroom';
import { freePort, JupyterServer } from '../support/jupyter-server';
import { root } from '../support/runner';

const skip = process.env.RNN_SKIP_BROWSER === '1';
const TOKEN = `rnn-formgrader-${process.pid}`;
const course = path.join(root, 'build', `formgrader-test-${process.pid}`);
const state = path.join(course, '.jupyter');
const env = { RNN_COURSE_ROOT: course };
const shots = process.env.RNN_OUT_DIR ? path.resolve(process.env.RNN_OUT_DIR) : path.join(root, 'out');
let server: JupyterServer | undefined;

interface Assignment {
  name: string;
  max_score: number;
  status: string;
  num_submissions: number;
}
interface Submission {
  student: string;
  score: number;
  max_score: number;
  autograded: boolean;
}

describe.skipIf(skip)('formgrader (npm run lab -- --course)', () => {
  beforeAll(async () => {
    fs.rmSync(course, { recursive: true, force: true });
    fs.cpSync(path.join(root, 'test', 'fixtures', 'classroom'), course, { recursive: true });
    const released = await classroom(['assignments'], env);
    expect(released.status, released.stdout).toBe(0);
    const submitted = path.join(course, 'submitted', 'ana', 'ajustes');
    fs.mkdirSync(submitted, { recursive: true });
    fs.copyFileSync(path.join(course, 'source', 'ajustes', 'ajustes.ipynb'), path.join(submitted, 'ajustes.ipynb'));
    const graded = await classroom(['nbgrader', 'autograde', 'ajustes', '--force'], { ...env, RNN_QUICK: '1' });
    expect(graded.status, graded.stdout).toBe(0);

    const port = await freePort();
    server = new JupyterServer(
      process.execPath,
      [
        path.join(root, 'scripts', 'lab.js'),
        '--course',
        `--ServerApp.port=${port}`,
        '--ServerApp.port_retries=0',
        `--IdentityProvider.token=${TOKEN}`,
        '--LabApp.news_url=None',
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          ...env,
          // a fresh server state, nothing shared with the instructor's `npm run lab`
          JUPYTER_CONFIG_DIR: path.join(state, 'config'),
          JUPYTER_RUNTIME_DIR: path.join(state, 'runtime'),
        },
      },
      port,
      TOKEN,
    );
    await server.ready(90_000);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(course, { recursive: true, force: true });
  });

  it('says it is in course mode and keeps the token on', async () => {
    expect(server!.output).toContain('Course mode: Nbgrader ▸ Formgrader manages course/');
    const r = await fetch(`http://127.0.0.1:${server!.port}/formgrader/api/assignments`, { redirect: 'manual' });
    expect([302, 403]).toContain(r.status);
  });

  it('lists the course’s assignment and the autograded submission with its score', async () => {
    const assignments = (await (await fetch(server!.url('/formgrader/api/assignments'))).json()) as Assignment[];
    expect(assignments.map((a) => a.name)).toEqual(['ajustes']);
    expect(assignments[0]).toMatchObject({ max_score: 5, num_submissions: 1 });
    const subs = (await (await fetch(server!.url('/formgrader/api/submissions/ajustes'))).json()) as Submission[];
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ student: 'ana', score: 5, max_score: 5, autograded: true });
  });

  it('shows formgrader’s pages in Chromium, offline', { timeout: 120_000 }, async () => {
    if (!chromiumPath()) throw new Error('Chromium is required: apt-get install chromium (or RNN_SKIP_BROWSER=1).');
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
    try {
      const context = await browser.newContext({ viewport: { width: 1300, height: 800 } });
      await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
      const page = await context.newPage();
      await page.goto(server!.url('/formgrader/manage_assignments'));
      await page.getByText('ajustes', { exact: true }).first().waitFor({ timeout: 60_000 });
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, 'formgrader-assignments.png') });
      await page.goto(server!.url('/formgrader/gradebook/ajustes/ajustes'));
      // the submission's row (formgrader hides students' names until asked: the link is there)
      const row = page.locator('a[href*="/formgrader/submissions/"]').first();
      await row.waitFor({ state: 'attached', timeout: 60_000 });
      const table = (await page.locator('table').first().textContent()) ?? '';
      expect(table).toMatch(/5(\.0+)? \/ 5(\.0+)?/);
      expect(table).toMatch(/Submission #1|ana/);
      await page.screenshot({ path: path.join(shots, 'formgrader-submissions.png') });
    } finally {
      await browser.close();
    }
  });
});
