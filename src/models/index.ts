export { JordanCell } from './jordan';
export type { JordanCellConfig } from './jordan';
export { buildModel, buildElman, buildJordan, buildLSTM, buildGRU, buildDense, countParams, kernelNorm } from './builders';
export type { ModelKind, ModelOptions, ActivationName, DenseSpec } from './builders';
export { predictWindows, predictBatches } from './predict';
export type { InverseScaler } from './predict';
export { saveModelFiles, loadModelFiles } from './io';
export { lastHiddenState, evaluateCarryingState, statefulTwin } from './state';
