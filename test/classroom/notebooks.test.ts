/**
 * The six exercise notebooks as nbgrader assignments: every one is a source notebook whose student
 * version keeps no solution and no hidden test, and notebook 02 (the Iberdrola practice, four
 * networks) is graded in quick mode: the instructor's solution gets full marks, the untouched
 * student version gets zero, and a wrong LSTM (3 units, 10 epochs instead of the document's
 * 5 units and the notebook's epochs) loses exactly the points of the LSTM's checks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

const ASSIGNMENTS = [
  '01-amazon-elman',
  '02-practica-iberdrola',
  '03-jena-temperatura',
  '04-rnn-vs-densas',
  '05-sp500-rnn',
  '06-melbourne-lstm-gru',
];
const IBERDROLA = '02-practica-iberdrola';
const STUB = '// TU CÓDIGO AQUÍ\nthrow new Error("Sin implementar");';

const { course, submissions, out, env } = scratchCourse('rnn-course-');

const sourceOf = (id: string) => readNotebook(path.join(root, 'notebooks', `${id}.ipynb`));
const releaseOf = (id: string) => readNotebook(path.join(course, 'release', id, `${id}.ipynb`));

/** The lines between `// BEGIN <what>` and `// END <what>` of every cell, trimmed, non-empty. */
function regionLines(nb: Notebook, what: string): string[] {
  const lines: string[] = [];
  for (const c of nb.cells) {
    let inside = false;
    for (const line of text(c.source).split('\n')) {
      if (line.trim() === `// BEGIN ${what}`) inside = true;
      else if (line.trim() === `// END ${what}`) inside = false;
      else if (inside && line.trim().length > 8) lines.push(line.trim());
    }
  }
  return lines;
}

const csv = (file: string) => readCsv(path.join(out, file));
const gradeOf = (student: string) => csv('grades.csv').find((r) => r.student === student)!;

let assignmentsRun: ClassroomRun;
let gradeRun: ClassroomRun;

beforeAll(async () => {
  // the course's source folder holds links to notebooks/: copy what they point at
  fs.cpSync(path.join(root, 'course', 'source'), path.join(course, 'source'), { recursive: true, dereference: true });
  assignmentsRun = await classroom(['assignments'], env);
  if (assignmentsRun.status !== 0) return;

  const source = sourceOf(IBERDROLA);
  put(path.join(submissions, 'ana', `${IBERDROLA}.ipynb`), source);
  put(path.join(submissions, 'bea', `${IBERDROLA}.ipynb`), releaseOf(IBERDROLA));
  put(
    path.join(submissions, 'carla', `${IBERDROLA}.ipynb`),
    variant(source, {
      'lstm-tfjs': [
        'const lstmHand = tf.sequential({ layers: [',
        '  tf.layers.lstm({ units: 3, returnSequences: true, inputShape: [p.lag, 1] }),',
        '  tf.layers.lstm({ units: 3 }),',
        '  tf.layers.dense({ units: 1 }),',
        '] });',
        'lstmHand.summary();',
      ].join('\n'),
      'lstm-builder': 'const lstmModel = buildLSTM({ steps: p.lag, features: 1, units: [3, 3], seed: p.seed });',
      c15: [
        'const histLstm = await train(lstmModel, trainSet, {',
        '  epochs: 10, batchSize: p.batchSize, optimizer: "adam", learningRate: p.learningRate,',
        '  loss: "mse", validationData: testSet, seed: p.seed,',
        '});',
        'const lstm = evaluate(lstmModel, histLstm);',
      ].join('\n'),
    }),
  );
  gradeRun = await classroom(['grade', submissions, '--quick', '--out', out], env);
}, 1_200_000);

describe('the six notebooks as nbgrader source notebooks', () => {
  it.each(ASSIGNMENTS)('%s: every cell marked, answers and graded checks, some hidden, 10–20 points', (id) => {
    const nb = sourceOf(id);
    const ids = nb.cells.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of nb.cells) {
      expect(c.metadata.nbgrader, `cell ${c.id}`).toMatchObject({ grade_id: c.id });
      const body = text(c.source);
      if (/\/\/ BEGIN SOLUTION/.test(body)) expect(c.metadata.nbgrader?.solution, c.id).toBe(true);
      if (/BEGIN HIDDEN TESTS/.test(body)) expect(c.metadata.nbgrader?.grade, c.id).toBe(true);
      if (!c.metadata.nbgrader?.solution && !c.metadata.nbgrader?.grade) expect(c.metadata.nbgrader?.locked).toBe(true);
    }
    const tests = nb.cells.filter((c) => c.metadata.nbgrader?.grade);
    const points = tests.reduce((s, c) => s + (c.metadata.nbgrader?.points ?? 0), 0);
    expect(points).toBeGreaterThanOrEqual(10);
    expect(points).toBeLessThanOrEqual(20);
    expect(nb.cells.filter((c) => c.metadata.nbgrader?.solution).length).toBeGreaterThanOrEqual(3);
    expect(regionLines(nb, 'HIDDEN TESTS').length).toBeGreaterThan(0);
    // the checks come from the library's grading module and print what they compare
    expect(tests.some((c) => /checkLayers\(/.test(text(c.source)))).toBe(true);
    expect(tests.some((c) => /checkTraining\(|checkEqual\(/.test(text(c.source)))).toBe(true);
    expect(tests.some((c) => /checkShown\(/.test(text(c.source)))).toBe(true);
  });
});

describe('npm run assignments on the course', () => {
  it('writes all six student versions', () => {
    expect(assignmentsRun.status, assignmentsRun.stdout).toBe(0);
    for (const id of ASSIGNMENTS) expect(assignmentsRun.stdout).toContain(id);
  });

  it.each(ASSIGNMENTS)('%s: no solution, no hidden test, no output; stubs in Spanish; prose kept', (id) => {
    const src = sourceOf(id);
    const rel = releaseOf(id);
    const all = rel.cells.map((c) => text(c.source)).join('\n');
    for (const word of ['BEGIN SOLUTION', 'END SOLUTION', 'BEGIN HIDDEN TESTS', 'END HIDDEN TESTS']) {
      expect(all).not.toContain(word);
    }
    const releasedLines = new Set(all.split('\n').map((l) => l.trim()));
    const leftHidden = regionLines(src, 'HIDDEN TESTS').filter((l) => releasedLines.has(l));
    expect(leftHidden).toEqual([]);
    // every solution line is gone unless the same line also appears outside the solutions
    const outside = new Set(
      src.cells
        .flatMap((c) =>
          text(c.source)
            .replace(/\/\/ BEGIN SOLUTION[\s\S]*?\/\/ END SOLUTION/g, '')
            .split('\n'),
        )
        .map((l) => l.trim()),
    );
    const leftSolution = regionLines(src, 'SOLUTION').filter((l) => releasedLines.has(l) && !outside.has(l));
    expect(leftSolution).toEqual([]);
    expect(rel.cells.map((c) => c.id)).toEqual(src.cells.map((c) => c.id));
    for (const c of rel.cells) {
      expect(c.outputs ?? []).toEqual([]);
      if (c.metadata.nbgrader?.solution) expect(text(c.source)).toContain(STUB);
      if (c.cell_type === 'markdown') {
        expect(text(c.source)).toBe(text(src.cells.find((s) => s.id === c.id)!.source));
      }
    }
  });
});

describe(`npm run grade on ${IBERDROLA} (quick mode)`, () => {
  it('grades the three submissions and exits 0', () => {
    expect(gradeRun?.status, gradeRun?.stdout).toBe(0);
    expect(
      csv('grades.csv')
        .map((r) => r.student)
        .sort(),
    ).toEqual(['ana', 'bea', 'carla']);
  });

  it('the instructor’s solution gets full marks', () => {
    const ana = gradeOf('ana');
    expect(Number(ana.max_score)).toBe(18);
    expect(ana).toMatchObject({ score: ana.max_score, status: 'calificado', failed_checks: '' });
  });

  it('the untouched student version gets zero: every check depends on an answer', () => {
    const bea = gradeOf('bea');
    expect(bea).toMatchObject({ score: '0', status: 'calificado' });
    const testIds = sourceOf(IBERDROLA)
      .cells.filter((c) => c.metadata.nbgrader?.grade)
      .map((c) => c.id)
      .sort();
    expect(bea.failed_checks.split(' ')).toEqual(testIds);
    const fb = fs.readFileSync(path.join(out, 'feedback', 'bea', `${IBERDROLA}.html`), 'utf8');
    expect(fb).toContain('Error: Sin implementar');
  });

  it('a wrong LSTM (3 units, 10 epochs) loses exactly the LSTM’s checks, nothing else', () => {
    const carla = gradeOf('carla');
    expect(carla.failed_checks).toBe('test-lstm-arquitectura test-lstm-entrenamiento test-lstm-resultados');
    const lost = csv('checks.csv').filter((r) => r.student === 'carla' && r.score !== r.max_score);
    expect(lost.map((r) => r.check).sort()).toEqual([
      'test-lstm-arquitectura',
      'test-lstm-entrenamiento',
      'test-lstm-resultados',
    ]);
    const lostPoints = lost.reduce((s, r) => s + Number(r.max_score), 0);
    expect(lostPoints).toBe(4);
    expect(Number(carla.score)).toBe(18 - lostPoints);
    const fb = fs.readFileSync(path.join(out, 'feedback', 'carla', `${IBERDROLA}.html`), 'utf8');
    expect(fb).toMatch(/CheckFailed: ✗ arquitectura de lstmHand/);
    expect(fb).toMatch(/CheckFailed: ✗ épocas|CheckFailed: ✗ entrenamiento/);
  });
});
