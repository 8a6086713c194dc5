/**
 * Model files from the real world: truncated or damaged model.json and weights.bin, files of
 * two different saves, NaN weights — each named by file, with what to do.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, initBackend, loadModelFiles, saveModelFiles, tf } from '../../src';
import { messageOf, weightsOf } from '../support/models';

beforeAll(async () => {
  await initBackend('cpu');
});

/** A folder with a saved 4-unit Elman model (29 float32 values in 5 weights: 116 bytes). */
async function savedModel(seed = 1): Promise<{ dir: string; json: string; bin: string; model: tfTypes.LayersModel }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-files-'));
  const model = buildModel('elman', { steps: 3, features: 1, units: [4], seed });
  await saveModelFiles(model, dir);
  return { dir, json: path.join(dir, 'model.json'), bin: path.join(dir, 'weights.bin'), model };
}

describe('loadModelFiles on damaged files', () => {
  it('a truncated model.json is named, with the parser error and what to do', async () => {
    const { dir, json } = await savedModel();
    const text = fs.readFileSync(json, 'utf8');
    fs.writeFileSync(json, text.slice(0, Math.floor(text.length / 2)));
    const message = await messageOf(loadModelFiles(dir));
    expect(message).toMatch(new RegExp(`^loadModelFiles: ${json.replace(/[.\\/]/g, '\\$&')} is not valid JSON \\(`));
    expect(message).toMatch(/\); the file is damaged or truncated: save the model again with saveModelFiles\.$/);
  });

  it('a model.json that is JSON but not a layers model', async () => {
    const { dir, json } = await savedModel();
    fs.writeFileSync(json, '[1, 2]');
    expect(await messageOf(loadModelFiles(dir))).toBe(
      `loadModelFiles: ${json} has no modelTopology; it is not a tfjs layers model (save one with saveModelFiles).`,
    );
    fs.writeFileSync(json, JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: 'weights.bin' }] }));
    expect(await messageOf(loadModelFiles(dir))).toBe(
      `loadModelFiles: ${json} has a malformed weightsManifest (group 1 needs lists "paths" and "weights"); ` +
        'save the model again with saveModelFiles.',
    );
  });

  it('a topology tfjs cannot build (an unknown layer class) names the file', async () => {
    const { dir, json } = await savedModel();
    fs.writeFileSync(json, fs.readFileSync(json, 'utf8').replace(/"SimpleRNN"/g, '"SimpleRNNX"'));
    expect(await messageOf(loadModelFiles(dir))).toMatch(
      new RegExp(`^loadModelFiles: tfjs could not build the model of ${json.replace(/[.\\/]/g, '\\$&')}: .*SimpleRNNX`),
    );
  });

  it.each([
    ['10 bytes short', -10],
    ['one weight short (a multiple of 4)', -4],
    ['8 bytes too long', 8],
  ])('a weights.bin %s names both files and the sizes', async (_, change) => {
    const { dir, json, bin } = await savedModel();
    const bytes = fs.readFileSync(bin);
    expect(bytes.length).toBe(116);
    const damaged =
      change < 0 ? bytes.subarray(0, bytes.length + change) : Buffer.concat([bytes, Buffer.alloc(change)]);
    fs.writeFileSync(bin, damaged);
    expect(await messageOf(loadModelFiles(dir))).toBe(
      `loadModelFiles: the weight file ${bin} holds ${116 + change} bytes but ${json} describes 116 ` +
        '(29 values in 5 weights); the file is truncated or belongs to another model: copy the whole folder again ' +
        'or save the model again.',
    );
  });

  it('a weights.bin of another save (same size, different values) is caught by the checksum', async () => {
    const a = await savedModel(1);
    const b = await savedModel(2);
    fs.copyFileSync(b.bin, a.bin);
    expect(await messageOf(loadModelFiles(a.dir))).toBe(
      `loadModelFiles: the weights in ${a.bin} do not match ${a.json} (a different checksum): the two files come ` +
        'from different saves; copy both from the same save or save the model again.',
    );
  });

  it('NaN or infinite weights are named, not loaded silently', async () => {
    const { dir, bin, model } = await savedModel();
    const values = new Float32Array(Uint8Array.from(fs.readFileSync(bin)).buffer);
    values.fill(Number.NaN, 0, 4); // the first kernel: 1 × 4
    values[10] = Number.POSITIVE_INFINITY; // in the recurrent kernel
    const json = path.join(dir, 'model.json');
    const meta = JSON.parse(fs.readFileSync(json, 'utf8'));
    delete meta.weightsSha256; // as a file written by another tool, without the checksum
    fs.writeFileSync(json, JSON.stringify(meta));
    fs.writeFileSync(bin, Buffer.from(values.buffer));
    const first = model.weights[0].originalName;
    expect(await messageOf(loadModelFiles(dir))).toBe(
      `loadModelFiles: ${bin} holds NaN or infinite values in weight "${first}" (4 of 4) ` +
        'and 1 other weight; the model was saved from a diverged training: retrain it and save it again.',
    );
  });

  it('a folder given as something else than a path', async () => {
    expect(await messageOf(loadModelFiles(undefined as unknown as string))).toBe(
      'loadModelFiles: undefined is not a path; pass the folder given to saveModelFiles or its model.json.',
    );
  });

  it('still loads a good model, and files without the checksum (older saves, other tools)', async () => {
    const { dir, json, model } = await savedModel(3);
    const meta = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(meta.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    delete meta.weightsSha256;
    fs.writeFileSync(json, JSON.stringify(meta));
    expect(weightsOf(await loadModelFiles(dir))).toEqual(weightsOf(model));
  });
});

describe('saveModelFiles never writes a broken model', () => {
  it('refuses NaN weights and leaves the files of the previous save as they were', async () => {
    const { dir, json, bin, model } = await savedModel();
    const before = [fs.readFileSync(json, 'utf8'), fs.readFileSync(bin)];
    const broken = buildModel('elman', { steps: 3, features: 1, units: [4], seed: 5, name: 'roto' });
    const ws = broken.getWeights();
    broken.setWeights([tf.fill(ws[0].shape, Number.NaN), ...ws.slice(1)]);
    expect(await messageOf(saveModelFiles(broken, dir))).toBe(
      `saveModelFiles: model roto has NaN or infinite values in weight "${broken.weights[0].originalName}" (4 of 4); ` +
        `nothing was written to ${dir}. Retrain it (a diverged training leaves such weights with stopOnNaN: false).`,
    );
    expect([fs.readFileSync(json, 'utf8'), fs.readFileSync(bin)]).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(weightsOf(await loadModelFiles(dir))).toEqual(weightsOf(model));
  });
});
