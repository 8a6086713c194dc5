/**
 * Saving and loading models as files without tfjs-node: `model.json` (topology + weight
 * manifest) and `weights.bin`, written atomically through `tf.io.withSaveHandler`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import { writeFileAtomic } from '../runtime/report';
import './jordan';

/** Saves `model` into folder `dir` (created if needed). Returns the model.json path. */
export async function saveModelFiles(model: tfTypes.LayersModel, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const jsonPath = path.join(dir, 'model.json');
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData as ArrayBuffer;
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

/** Loads a model saved by `saveModelFiles` (a folder or its model.json). */
export async function loadModelFiles(dirOrJson: string): Promise<tfTypes.LayersModel> {
  const jsonPath = dirOrJson.endsWith('.json') ? dirOrJson : path.join(dirOrJson, 'model.json');
  if (!fs.existsSync(jsonPath)) throw new Error(`loadModelFiles: ${jsonPath} does not exist; pass the folder given to saveModelFiles.`);
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const manifest = json.weightsManifest?.[0];
  if (!manifest) throw new Error(`loadModelFiles: ${jsonPath} has no weightsManifest; it is not a tfjs layers model.`);
  const bin = fs.readFileSync(path.join(path.dirname(jsonPath), manifest.paths[0]));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel({
    load: async () => ({ modelTopology: json.modelTopology, weightSpecs: manifest.weights, weightData }),
  });
}
