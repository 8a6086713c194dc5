import { afterEach, describe, expect, it, vi } from 'vitest';
import { params, isQuickMode, report } from '../../src';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

describe('quick mode', () => {
  afterEach(() => {
    delete process.env.RNN_QUICK;
    vi.restoreAllMocks();
  });
  it('returns the real settings when RNN_QUICK is unset', () => {
    expect(isQuickMode()).toBe(false);
    expect(params({ epochs: 200, batchSize: 1 }, { epochs: 2 })).toEqual({ epochs: 200, batchSize: 1 });
  });
  it('lays the quick overrides over the settings and says so', () => {
    process.env.RNN_QUICK = '1';
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(params({ epochs: 200, batchSize: 1 }, { epochs: 2 })).toEqual({ epochs: 2, batchSize: 1 });
    expect(log.mock.calls[0][0]).toMatch(/MODO RÁPIDO.*epochs: 200 → 2/);
  });
  it('rejects a quick override that is not a setting', () => {
    process.env.RNN_QUICK = '1';
    expect(() => params({ epochs: 200 }, { epoch: 2 } as never)).toThrow(
      /"epoch" is not one of the settings \(epochs\)/,
    );
  });
  it('treats RNN_QUICK=0 as off', () => {
    process.env.RNN_QUICK = '0';
    expect(isQuickMode()).toBe(false);
  });
  it('reads on/off words in any case, and refuses a typo instead of guessing a mode', () => {
    const read = (v: string) => {
      process.env.RNN_QUICK = v;
      return isQuickMode();
    };
    expect(['1', 'true', 'YES', ' on '].map(read)).toEqual([true, true, true, true]);
    expect(['', '0', 'False', 'no', 'OFF'].map(read)).toEqual([false, false, false, false, false]);
    // 'no' used to mean quick mode on (any non-empty value but 0/false did).
    process.env.RNN_QUICK = 'ture';
    expect(() => isQuickMode()).toThrow(/^RNN_QUICK="ture" is not on or off: use 1 \(or true, yes, on\) .* or 0 /);
    expect(() => params({ epochs: 200 }, { epochs: 2 })).toThrow(/RNN_QUICK="ture"/);
  });
});

describe('report', () => {
  it('prints a table and writes <notebook>.metrics.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const file = report({ mse: 0.0123456, modelos: { elman: 1.5, lstm: 2 } }, { notebook: 'nb', dir });
    expect(file).toBe(path.join(dir, 'nb.metrics.json'));
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved.notebook).toBe('nb');
    expect(saved.metrics).toEqual({ mse: 0.0123456, modelos: { elman: 1.5, lstm: 2 } });
    const text = log.mock.calls[0][0] as string;
    expect(text).toContain('mse');
    expect(text).toContain('0.0123');
    expect(text).toContain('modelos · lstm');
    expect(fs.readdirSync(dir)).toEqual(['nb.metrics.json']);
    log.mockRestore();
  });
  it('rejects a non-object', () => {
    expect(() => report(5 as never)).toThrow(/metrics must be an object/);
  });
});
