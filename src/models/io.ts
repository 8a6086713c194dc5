/**
 * Saving and loading models as files without tfjs-node: `model.json` (topology + weight
 * manifest) and `weights.bin`, written atomically through `tf.io.withSaveHandler`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import { writeFileAtomic } from '../runtime/report';
import './jordan';

/**
 * Saves `model` into folder `dir` (created if needed) as `model.json` + `weights.bin`, each
 * written to a temporary file and renamed, so a crash never leaves a half-written model.
 * Jordan models reload too (their cell class is registered). Returns the model.json path.
 */
export async function saveModelFiles(model: tfTypes.LayersModel, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const jsonPath = path.join(dir, 'model.json');
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      // tfjs ≥ 4.10 may hand the weights over as several buffers: join them into one file.
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const binTmp = path.join(dir, `weights.bin.${process.pid}.tmp`);
      try {
        fs.writeFileSync(binTmp, Buffer.from(weights));
        fs.renameSync(binTmp, path.join(dir, 'weights.bin'));
      } finally {
        fs.rmSync(binTmp, { force: true });
      }
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs} (rnn-notebooks)`,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileAtomic(jsonPath, JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  return jsonPath;
}

/**
 * Loads a model saved by `saveModelFiles` (a folder or its model.json) through a custom
 * load handler — no tfjs-node needed. The result predicts exactly as the saved model.
 */
export async function loadModelFiles(dirOrJson: string): Promise<tfTypes.LayersModel> {
  const jsonPath = dirOrJson.endsWith('.json') ? dirOrJson : path.join(dirOrJson, 'model.json');
  if (!fs.existsSync(jsonPath)) throw new Error(`loadModelFiles: ${jsonPath} does not exist; pass the folder given to saveModelFiles.`);
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const groups = json.weightsManifest as Array<{ paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }> | undefined;
  if (!Array.isArray(groups) || groups.length === 0) throw new Error(`loadModelFiles: ${jsonPath} has no weightsManifest; it is not a tfjs layers model.`);
  // Every group's shards in order, as tfjs' own loaders read them (tfjs-node and converter folders too).
  const buffers: Buffer[] = [];
  for (const g of groups) {
    for (const p of g.paths) {
      const file = path.join(path.dirname(jsonPath), p);
      if (!fs.existsSync(file)) throw new Error(`loadModelFiles: weight file ${file} named in ${jsonPath} is missing; copy the whole model folder.`);
      buffers.push(fs.readFileSync(file));
    }
  }
  const bin = Buffer.concat(buffers);
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const weightSpecs = groups.flatMap((g) => g.weights);
  return tf.loadLayersModel({
    load: async () => ({ modelTopology: json.modelTopology, weightSpecs, weightData }),
  });
}
