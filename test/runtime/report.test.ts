// report(): a value JSON cannot hold faithfully (NaN, Infinity, undefined, an array, a tensor…)
// fails the notebook naming the key, before anything is printed or written.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { report } from '../../src';
import type { Metrics } from '../../src';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-bad-'));

/** report() must throw `message` and leave no file and no printed table behind. */
function refuses(metrics: unknown, message: RegExp, options: { notebook?: string; dir?: string } = {}) {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const before = fs.readdirSync(dir);
  expect(() => report(metrics as Metrics, { notebook: 'nb', dir, ...options })).toThrow(message);
  expect(log).not.toHaveBeenCalled();
  expect(fs.readdirSync(dir)).toEqual(before);
}

describe('report() refuses what it cannot record faithfully', () => {
  afterEach(() => vi.restoreAllMocks());

  it('NaN and ±Infinity (JSON would write null and the notebook would pass)', () => {
    refuses({ mse: 0.1, loss: Number.NaN }, /^report\(\): metric "loss" is NaN, not a finite number/);
    refuses({ modelos: { elman: 1, lstm: Number.POSITIVE_INFINITY } }, /metric "modelos · lstm" is Infinity/);
    refuses({ d: Number.NEGATIVE_INFINITY }, /metric "d" is -Infinity/);
    refuses({ loss: Number.NaN }, /diverged.*null.*explicitly/);
  });

  it('undefined (JSON would drop the key), functions, symbols and bigints', () => {
    refuses({ mse: undefined }, /^report\(\): metric "mse" is undefined: .* null/);
    refuses({ f: () => 1 }, /metric "f" is a function/);
    refuses({ n: 10n }, /metric "n" is a bigint \(10\): convert it with Number\(\)/);
    refuses({ s: Symbol('x') }, /metric "s" is a symbol/);
  });

  it('arrays, class instances (tensors, dates, typed arrays) and groups deeper than one level', () => {
    refuses({ losses: [1, 2] }, /metric "losses" is an array: report one number per key/);
    refuses({ when: new Date(0) }, /metric "when" is a Date, not a number, string, boolean or null/);
    refuses({ pred: new Float64Array(2) }, /metric "pred" is a Float64Array/);
    refuses({ a: { b: { c: 1 } } }, /metric "a · b" is an object: a group holds values, one level deep/);
  });

  it('no metrics at all, and a notebook name that is not a file name', () => {
    refuses({}, /^report\(\{\}\): no metrics: pass at least one/);
    refuses({ a: 1 }, /report\(\): notebook name "\.\.\/x" is not a file name/, { notebook: '../x' });
    refuses({ a: 1 }, /report\(\): notebook name "" is not a file name/, { notebook: '' });
  });

  it('a folder it cannot write: names the file and what to do', () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(() => report({ a: 1 }, { notebook: 'nb', dir: file })).toThrow(
      new RegExp(`^report\\(\\): cannot write ${file}/nb\\.metrics\\.json \\((EEXIST|ENOTDIR).*\\): set RNN_OUT_DIR`),
    );
    expect(log).not.toHaveBeenCalled();
  });

  it('still records null, strings, booleans, and finite numbers exactly', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'report-ok-'));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const metrics = { mse: 1e-9, skip: null, name: 'LSTM', ok: true, g: { a: -0.5, b: null } };
    const file = report(metrics, { notebook: 'nb', dir: out });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).metrics).toEqual(metrics);
    expect(fs.readdirSync(out)).toEqual(['nb.metrics.json']);
  });
});
