import { describe, expect, it } from 'vitest';
import { bytesPerValue, DEFAULT_ENGINE_PRECISION, parseEnginePrecision } from '../../src/engine/precision';

describe('RNN_ENGINE_PRECISION', () => {
  it('accepts float32 and float64, and defaults when unset or empty', () => {
    expect(parseEnginePrecision('float32')).toBe('float32');
    expect(parseEnginePrecision(' Float64 ')).toBe('float64');
    expect(parseEnginePrecision(undefined)).toBe(DEFAULT_ENGINE_PRECISION);
    expect(parseEnginePrecision('')).toBe(DEFAULT_ENGINE_PRECISION);
  });

  it('rejects another word, naming the value and the allowed words', () => {
    expect(() => parseEnginePrecision('f16')).toThrow(/RNN_ENGINE_PRECISION="f16".*"float32", "float64"/);
  });

  it('gives the bytes of one value', () => {
    expect(bytesPerValue('float32')).toBe(4);
    expect(bytesPerValue('float64')).toBe(8);
  });
});
