/**
 * Saving and loading models as files without tfjs-node: `model.json` (topology + weight
 * manifest + a checksum of the weights) and `weights.bin`, written atomically through
 * `tf.io.withSaveHandler`. Loading checks what real folders get wrong: damaged or truncated
 * files, files of two different saves, NaN weights; every message names the file.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import { writeFileAtomic } from '../runtime/report';
import './jordan';

/** Bytes per stored value, by dtype (or by quantization dtype). */
const BYTES_PER_VALUE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const countOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Bytes of one weight in a weights file, or null when it has no fixed size (strings). */
function specBytes(spec: tfTypes.io.WeightsManifestEntry): number | null {
  const per = BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype];
  return per === undefined ? null : countOf(spec.shape) * per;
}

/**
 * The weights with NaN or ±Infinity among `named` (name and float32 values), as
 * `weight "name" (k of n)` plus how many other weights have some; null when all are finite.
 */
function nonFinite(named: Array<{ name: string; values: ArrayLike<number> }>): string | null {
  const bad = named
    .map(({ name, values }) => {
      let k = 0;
      for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) k++;
      return { name, k, n: values.length };
    })
    .filter((w) => w.k > 0);
  if (bad.length === 0) return null;
  const others = bad.length - 1;
  const more = others > 0 ? ` and ${others} other weight${others === 1 ? '' : 's'}` : '';
  return `weight "${bad[0].name}" (${bad[0].k} of ${bad[0].n})${more}`;
}

/**
 * Saves `model` into folder `dir` (created if needed) as `model.json` + `weights.bin`, each
 * written to a temporary file and renamed, so a crash never leaves a half-written file;
 * `model.json` records a checksum of `weights.bin`, so a folder whose two files come from
 * different saves is told apart at load. A model with NaN or infinite weights is not saved
 * (nothing is written). Jordan models reload too (their cell class is registered). Returns
 * the model.json path.
 */
export async function saveModelFiles(model: tfTypes.LayersModel, dir: string): Promise<string> {
  if (typeof dir !== 'string' || dir === '') {
    throw new Error(`saveModelFiles: ${String(dir)} is not a folder path; pass e.g. "out/modelos/elman".`);
  }
  const bad = nonFinite(model.weights.map((w) => ({ name: w.originalName, values: w.read().dataSync() })));
  if (bad) {
    throw new Error(
      `saveModelFiles: model ${model.name} has NaN or infinite values in ${bad}; nothing was written to ${dir}. ` +
        'Retrain it (a diverged training leaves such weights with stopOnNaN: false).',
    );
  }
  fs.mkdirSync(dir, { recursive: true });
  const jsonPath = path.join(dir, 'model.json');
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      // tfjs ≥ 4.10 may hand the weights over as several buffers: join them into one file.
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      const binTmp = path.join(dir, `weights.bin.${process.pid}.${Date.now()}.tmp`);
      try {
        fs.writeFileSync(binTmp, weights);
        fs.renameSync(binTmp, path.join(dir, 'weights.bin'));
      } finally {
        fs.rmSync(binTmp, { force: true });
      }
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs} (rnn-notebooks)`,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        weightsSha256: sha256(weights),
      };
      writeFileAtomic(jsonPath, JSON.stringify(json));
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength },
      };
    }),
  );
  return jsonPath;
}

type WeightGroup = { paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] };

/** Reads and checks `model.json`: valid JSON, a topology, a well-formed weight manifest. */
function readModelJson(jsonPath: string): { modelTopology: unknown; groups: WeightGroup[]; weightsSha256?: string } {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    throw new Error(
      `loadModelFiles: ${jsonPath} is not valid JSON (${(err as Error).message}); ` +
        'the file is damaged or truncated: save the model again with saveModelFiles.',
    );
  }
  const j = json as { modelTopology?: unknown; weightsManifest?: unknown; weightsSha256?: unknown } | null;
  if (!j || typeof j !== 'object' || Array.isArray(j) || !j.modelTopology) {
    throw new Error(
      `loadModelFiles: ${jsonPath} has no modelTopology; it is not a tfjs layers model (save one with saveModelFiles).`,
    );
  }
  const groups = j.weightsManifest as WeightGroup[] | undefined;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new Error(`loadModelFiles: ${jsonPath} has no weightsManifest; it is not a tfjs layers model.`);
  }
  groups.forEach((g, i) => {
    if (!g || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      throw new Error(
        `loadModelFiles: ${jsonPath} has a malformed weightsManifest ` +
          `(group ${i + 1} needs lists "paths" and "weights"); ` +
          'save the model again with saveModelFiles.',
      );
    }
  });
  const weightsSha256 = typeof j.weightsSha256 === 'string' ? j.weightsSha256 : undefined;
  return { modelTopology: j.modelTopology, groups, weightsSha256 };
}

/**
 * Loads a model saved by `saveModelFiles` (a folder or its model.json) through a custom
 * load handler — no tfjs-node needed. The result predicts exactly as the saved model. Folders
 * of tfjs-node and the converter load too (their shards in order, without the checksum).
 * Throws, naming the file, on a damaged model.json, weight files of the wrong size or from
 * another save, and NaN or infinite weights.
 */
export async function loadModelFiles(dirOrJson: string): Promise<tfTypes.LayersModel> {
  if (typeof dirOrJson !== 'string' || dirOrJson === '') {
    throw new Error(
      `loadModelFiles: ${String(dirOrJson)} is not a path; pass the folder given to saveModelFiles or its model.json.`,
    );
  }
  const jsonPath = dirOrJson.endsWith('.json') ? dirOrJson : path.join(dirOrJson, 'model.json');
  if (!fs.existsSync(jsonPath))
    throw new Error(`loadModelFiles: ${jsonPath} does not exist; pass the folder given to saveModelFiles.`);
  const { modelTopology, groups, weightsSha256 } = readModelJson(jsonPath);
  // Every group's shards in order, as tfjs' own loaders read them (tfjs-node and converter folders too).
  const buffers: Buffer[] = [];
  const files: string[] = [];
  for (const g of groups) {
    for (const p of g.paths) {
      const file = path.join(path.dirname(jsonPath), p);
      if (!fs.existsSync(file))
        throw new Error(
          `loadModelFiles: weight file ${file} named in ${jsonPath} is missing; copy the whole model folder.`,
        );
      buffers.push(fs.readFileSync(file));
      files.push(file);
    }
  }
  const bin = Buffer.concat(buffers);
  const weightSpecs = groups.flatMap((g) => g.weights);
  const sizes = weightSpecs.map(specBytes);
  const where = files.length === 1 ? `the weight file ${files[0]}` : `the weight files ${files.join(', ')}`;
  if (sizes.every((s) => s !== null)) {
    const expected = (sizes as number[]).reduce((a, b) => a + b, 0);
    if (bin.byteLength !== expected) {
      const values = weightSpecs.reduce((a, s) => a + countOf(s.shape), 0);
      throw new Error(
        `loadModelFiles: ${where} ${files.length === 1 ? 'holds' : 'hold'} ${bin.byteLength} bytes ` +
          `but ${jsonPath} describes ${expected} (${values} values in ${weightSpecs.length} weights); ` +
          'the file is truncated or belongs to another model: copy the whole folder again or save the model again.',
      );
    }
  }
  if (weightsSha256 !== undefined && sha256(bin) !== weightsSha256) {
    throw new Error(
      `loadModelFiles: the weights in ${files.join(', ')} do not match ${jsonPath} (a different checksum): ` +
        'the two files come from different saves; copy both from the same save or save the model again.',
    );
  }
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  // NaN or ±Infinity in plain float32 weights (quantized ones cannot hold them).
  const named: Array<{ name: string; values: Float32Array }> = [];
  let offset = 0;
  for (const [i, spec] of weightSpecs.entries()) {
    const bytes = sizes[i];
    if (bytes === null) break; // a string weight: the offsets after it are not known here
    if (spec.dtype === 'float32' && !spec.quantization) {
      named.push({ name: spec.name, values: new Float32Array(weightData.slice(offset, offset + bytes)) });
    }
    offset += bytes;
  }
  const bad = nonFinite(named);
  if (bad) {
    throw new Error(
      `loadModelFiles: ${files.join(', ')} holds NaN or infinite values in ${bad}; ` +
        'the model was saved from a diverged training: retrain it and save it again.',
    );
  }
  try {
    return await tf.loadLayersModel({
      load: async () => ({
        modelTopology: modelTopology as tfTypes.io.ModelArtifacts['modelTopology'],
        weightSpecs,
        weightData,
      }),
    });
  } catch (err) {
    throw new Error(`loadModelFiles: tfjs could not build the model of ${jsonPath}: ${(err as Error).message}`);
  }
}
