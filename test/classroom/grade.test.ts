/**
 * The classroom workflow end to end on a small fixture course (test/fixtures/classroom: one
 * assignment "ajustes", two answers, four autograded cells, 5 points, one hidden test): student
 * versions, then `npm run grade` on nine submissions that cover what a real class hands in.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, chromiumPath } from '../../src/plot/render';
import {
  type ClassroomRun,
  classroom,
  type Notebook,
  put,
  readCsv,
  readNotebook,
  scratchCourse,
  text,
  variant,
} from '../support/classroom';
import { root } from '../support/runner';

const { dir: tmp, course, submissions, out, env } = scratchCourse('rnn-classroom-');

/** grades.csv by student. */
const grades = () => Object.fromEntries(readCsv(path.join(out, 'grades.csv')).map((r) => [r.student, r]));

const feedback = (student: string) => fs.readFileSync(path.join(out, 'feedback', student, 'ajustes.html'), 'utf8');

let released: Notebook;
let source: Notebook;
let gradeRun: ClassroomRun;

beforeAll(async () => {
  fs.cpSync(path.join(root, 'test', 'fixtures', 'classroom'), course, { recursive: true });
  const r = await classroom(['assignments'], env);
  expect(r.status, r.stdout).toBe(0);
  source = readNotebook(path.join(course, 'source', 'ajustes', 'ajustes.ipynb'));
  released = readNotebook(path.join(course, 'release', 'ajustes', 'ajustes.ipynb'));

  const doble = 'function doble(x: number): number {\n  return 2 * x;\n}';
  put(path.join(submissions, 'ana', 'ajustes.ipynb'), source); // flat layout
  put(path.join(submissions, 'bea', 'ajustes', 'ajustes.ipynb'), released); // nbgrader's layout
  put(
    path.join(submissions, 'carla', 'ajustes.ipynb'),
    variant(source, {
      lags: 'const lags = 5;',
      doble: 'function doble(x: number): string {\n  return String(2 * x);\n}',
    }),
  );
  put(path.join(submissions, 'dani', 'ajustes.ipynb'), variant(source, { doble: `${doble}\nwhile (true) {}` }));
  put(path.join(submissions, 'emi', 'ajustes.ipynb'), variant(source, { lags: 'const lags = 7;\nprocess.exit(3);' }));
  put(path.join(submissions, 'fede', 'ajustes.ipynb'), '{"cells": [ no es JSON');
  put(path.join(submissions, 'gus', 'tarea.ipynb'), source);
  // A student who edits a locked test cell to pass it: nbgrader grades the instructor's cell.
  put(path.join(submissions, 'hugo', 'ajustes.ipynb'), variant(source, { lags: 'const lags = 3;', 'test-lags': '' }));
  // Tries to overwrite everything of the grading run it can reach (earlier and later submissions).
  const vandal = [
    'import * as fs from "node:fs";',
    'import * as path from "node:path";',
    'let hits = 0;',
    'const walk = (d: string, depth: number): void => {',
    '  if (depth > 6) return;',
    '  for (const e of fs.readdirSync(d, { withFileTypes: true })) {',
    '    const f = path.join(d, e.name);',
    '    if (e.isDirectory() && !f.includes("mallory")) walk(f, depth + 1);',
    '    else if (/\\.(db|html|ipynb|csv)$/.test(e.name) && !f.includes("mallory")) {',
    '      fs.chmodSync(f, 0o644); fs.writeFileSync(f, "borrado"); hits++;',
    '    }',
    '  }',
    '};',
    'walk(path.resolve("../../../../.."), 0);',
    'console.log("archivos sobrescritos:", hits);',
    'const lags = 7;',
  ].join('\n');
  put(path.join(submissions, 'mallory', 'ajustes.ipynb'), variant(source, { lags: vandal }));

  gradeRun = await classroom(
    ['grade', submissions, '--quick', '--cell-timeout', '10', '--total-timeout', '120', '--out', out],
    env,
  );
}, 900_000);

describe('npm run assignments', () => {
  it('writes the student version: Spanish stubs, no solution, no hidden test, no outputs, prose kept', () => {
    const all = released.cells.map((c) => text(c.source)).join('\n');
    for (const word of [
      'BEGIN SOLUTION',
      'END SOLUTION',
      'BEGIN HIDDEN TESTS',
      'doble(-3)',
      '2 * x',
      'const lags = 7',
    ]) {
      expect(all).not.toContain(word);
    }
    const byId = Object.fromEntries(released.cells.map((c) => [c.id, c]));
    for (const id of ['lags', 'doble']) {
      expect(text(byId[id].source)).toBe('// TU CÓDIGO AQUÍ\nthrow new Error("Sin implementar");');
    }
    expect(text(byId['test-doble'].source)).toBe('assert.equal(doble(2), 4);');
    expect(released.cells.every((c) => !c.outputs || c.outputs.length === 0)).toBe(true);
    expect(text(byId['lags-md'].source)).toBe(text(source.cells.find((c) => c.id === 'lags-md')!.source));
    expect(byId.setup.metadata.nbgrader).toMatchObject({ locked: true, solution: false, grade: false });
    expect(byId['test-doble'].metadata.nbgrader).toMatchObject({ grade: true, points: 2, locked: true });
  });
});

describe('npm run grade', () => {
  it('grades every submission and exits 0 although students’ code failed', () => {
    expect(gradeRun.status, gradeRun.stdout).toBe(0);
    const g = grades();
    expect(Object.keys(g).sort()).toEqual(['ana', 'bea', 'carla', 'dani', 'emi', 'fede', 'gus', 'hugo', 'mallory']);
    expect(g.ana).toMatchObject({ score: '5', max_score: '5', status: 'calificado', failed_checks: '' });
    expect(g.ana.feedback).toBe('feedback/ana/ajustes.html');
  });

  it('an untouched student version gets zero on every answer-dependent check, and the rest', () => {
    // test-entorno checks the mode only: the one point an empty submission keeps
    expect(grades().bea).toMatchObject({
      score: '1',
      max_score: '5',
      failed_checks: 'test-doble test-doble-tipo test-lags',
    });
    expect(feedback('bea')).toContain('Error: Sin implementar');
    // the feedback shows the hidden test's score, not its code
    expect(feedback('ana')).toContain('test-doble');
    expect(feedback('ana')).not.toContain('doble(-3)');
  });

  it('a failed assertion, a thrown check and a type error in a test cell each cost that cell', () => {
    expect(grades().carla).toMatchObject({ score: '1', failed_checks: 'test-doble test-doble-tipo test-lags' });
    const fb = feedback('carla');
    expect(fb).toContain('CheckFailed: ✗ retardos: se obtuvo 5, se esperaba 7'); // thrown by checkEqual
    expect(fb).toContain('AssertionError'); // node:assert in test-doble
    expect(fb).toMatch(
      /Type &#39;string&#39; is not assignable to type &#39;number&#39;|Type 'string' is not assignable/,
    );
    const checks = fs.readFileSync(path.join(out, 'checks.csv'), 'utf8');
    expect(checks).toContain('carla,ajustes,test-doble,0,2');
    expect(checks).toContain('carla,ajustes,test-entorno,1,1');
  });

  it('an endless loop is cut off and reported; the cells after it are not run and say why', () => {
    expect(grades().dani).toMatchObject({
      score: '1',
      status: 'celda 7 cortada por tiempo',
      failed_checks: 'test-doble test-doble-tipo test-entorno',
    });
    const fb = feedback('dani');
    expect(fb).toContain('CellTimeoutError');
    expect(fb).toContain('una celda anterior superó el tiempo límite');
  });

  it('process.exit() costs the cells from there on, not the grading of the others', () => {
    expect(grades().emi).toMatchObject({ score: '0', status: 'el núcleo terminó en la celda 4' });
    expect(feedback('emi')).toContain('DeadKernelError');
  });

  it('a file that is no notebook, or not one of the course, is reported, not graded', () => {
    const g = grades();
    expect(g.fede.status).toMatch(/^no entregado: no se puede leer como cuaderno/);
    expect(g.gus.status).toMatch(/^no entregado: tarea.ipynb no es un cuaderno del curso/);
    expect(fs.existsSync(path.join(out, 'feedback', 'fede'))).toBe(false);
  });

  it('a student who empties a locked test cell is graded with the instructor’s cell', () => {
    expect(grades().hugo).toMatchObject({ score: '4', failed_checks: 'test-lags' });
    expect(feedback('hugo')).toContain('se obtuvo 3, se esperaba 7');
  });

  it('a submission cannot overwrite another’s outputs or grades', () => {
    expect(grades().mallory).toMatchObject({ score: '5', status: 'calificado' });
    expect(feedback('mallory')).toContain('archivos sobrescritos:');
    expect(grades().ana).toMatchObject({ score: '5' });
    expect(feedback('ana')).toContain('✓ retardos: 7');
    expect(feedback('ana')).not.toContain('borrado');
  });

  it('says what is wrong with the folder (exit 2) and keeps an earlier result in place', async () => {
    const missing = await classroom(['grade', path.join(tmp, 'no-existe'), '--out', out], env);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toContain('is not a folder');
    const empty = path.join(tmp, 'vacia');
    fs.mkdirSync(empty);
    const none = await classroom(['grade', empty, '--out', out], env);
    expect(none.status).toBe(2);
    expect(none.stdout).toContain('no submissions in');
    expect(grades().ana.score).toBe('5');
  });

  it('the feedback HTML renders in Chromium: score, outputs and failed checks visible, offline', async () => {
    const exe = chromiumPath();
    if (!exe) {
      if (process.env.RNN_SKIP_BROWSER === '1') return;
      throw new Error('Chromium is required for the browser test: apt-get install chromium (or RNN_SKIP_BROWSER=1).');
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_FLAGS, headless: true });
    try {
      const page = await browser.newPage();
      await page.route(/^(?!file:|data:|about:)/, (route) => route.abort());
      await page.goto(`file://${path.join(out, 'feedback', 'carla', 'ajustes.html')}`);
      const body = (await page.textContent('body')) ?? '';
      expect(body).toContain('ajustes');
      expect(body).toMatch(/Score: 1(\.0)? \/ 5(\.0)?/);
      expect(body).toContain('✗ retardos: se obtuvo 5, se esperaba 7');
      expect(body).toContain('Los retardos.');
      await page.screenshot({ path: path.join(root, 'out', 'feedback-carla.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
