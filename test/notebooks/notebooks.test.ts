// Every notebook in notebooks/ runs in quick mode (RNN_QUICK=1) through the same runner
// as the main job; discovered at test time so new notebooks are included.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EPOCH_TOLERANCE, FORWARD_TOLERANCE } from '../support/models';
import { root, runNotebooks } from '../support/runner';

const dir = path.join(root, 'notebooks');
const notebooks = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

type Reported = Record<string, unknown>;

/**
 * What a notebook's report() must show beyond running: the models written by hand equal the
 * builders, the forward passes in plain TypeScript equal predict(), the epoch written with tfjs
 * equals train()'s first epoch, the visible metric lines equal the library's.
 */
const checks: Record<string, (m: Reported) => void> = {
  '01-amazon-elman': (m) => {
    expect(m.mismaArquitectura).toBe(true);
    expect(m.difForwardElman).toBeLessThan(FORWARD_TOLERANCE);
    expect(m.difRelEpoca1Loss).toBeLessThan(EPOCH_TOLERANCE);
    expect(m.difRelEpoca1Test).toBeLessThan(EPOCH_TOLERANCE);
    expect(m.persistenciaAMano).toBe(true);
  },
  '02-practica-iberdrola': (m) => {
    expect(m.mismaArquitectura).toEqual({ Elman: true, LSTM: true, GRU: true });
    expect(m.difForwardJordan).toBeLessThan(FORWARD_TOLERANCE);
    expect(m.difAciertos5AMano).toBe(0);
  },
};

describe('notebooks in quick mode', () => {
  it('finds the notebooks', async () => {
    expect(notebooks.length).toBeGreaterThan(0);
  });
  it('are committed without outputs', async () => {
    for (const f of notebooks) {
      const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      for (const cell of nb.cells) {
        if (cell.cell_type === 'code') {
          expect({ f, outputs: cell.outputs.length, count: cell.execution_count }).toEqual({
            f,
            outputs: 0,
            count: null,
          });
        }
      }
    }
  });
  for (const f of notebooks) {
    it(`runs ${f}`, { timeout: 20 * 60_000 }, async () => {
      const r = await runNotebooks([path.join(dir, f)], { RNN_QUICK: '1' });
      if (r.status !== 0) console.error(r.stdout + r.stderr);
      expect(r.stdout).toContain('1 passed, 0 failed');
      expect(r.status).toBe(0);
      const name = f.replace(/\.ipynb$/, '');
      const metrics = JSON.parse(fs.readFileSync(path.join(r.outDir, `${name}.metrics.json`), 'utf8'));
      expect(metrics.quick).toBe(true);
      checks[name]?.(metrics.metrics);
      // Models written out with tf.layers (issue 18) must equal the library's builders.
      const written = metrics.metrics['modelos escritos = constructores'];
      if (written) expect(written).toEqual(Object.fromEntries(Object.keys(written).map((k) => [k, true])));
      expect(fs.statSync(path.join(r.outDir, `${name}.html`)).size).toBeGreaterThan(1000);
    });
  }
});
