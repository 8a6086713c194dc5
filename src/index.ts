/**
 * rnn-notebooks — the public API of the library, the one entry the notebooks import
 * (`import { … } from "rnn-notebooks"`). Every name is listed here on purpose; everything else is
 * internal (tests and the benchmark import it by path).
 */

// TensorFlow.js, with the backend picked once (tfjs-node, else WebAssembly, else cpu)
export { tf, initBackend, activeBackend, backendNotes } from './backend';
export type { BackendName } from './backend';

// A notebook's settings (documents' values, quick mode for CI) and its results for graders
export { params, isQuickMode } from './runtime/params';
export { report } from './runtime/report';
export type { Metrics } from './runtime/report';

// The course's data sets (checksummed download, cache, local folder) and generated series
export { loadDataset, loadCsv } from './data/load';
export type { LoadedDataset, LoadDatasetOptions, LoadCsvOptions } from './data/load';
export type { DatasetName } from './data/registry';
export { loadJena, JENA_COLUMNS } from './data/jena';
export { lorenzSeries } from './data/lorenz';

// Windows (Keras-parity lazy windows, lag windows), chronological splits, scalers
export { lagWindows, timeseriesDatasetFromArray, sliceWindows } from './series/windows';
export { epochBatches } from './series/windows';
export { splitByFractions, splitByRanges, splitFirstN, takeRange } from './series/splits';
export type { IndexRange } from './series/splits';
export { MinMaxScaler, StandardScaler, FixedRangeScaler } from './series/scalers';
export type { Scaler } from './series/scalers';
export type { Array2D, Array3D, WindowSet, WindowBatches, TrainData } from './core/types';

// Models as tfjs LayersModels: the networks of the documents, parameter counts, model files
export { buildModel, buildElman, buildJordan, buildLSTM, buildGRU, buildDense } from './models/builders';
export { countParams, kernelNorm, architectureOf, sameArchitecture } from './models/builders';
export type { ModelKind, ModelOptions, DenseSpec, LayerArchitecture } from './models/builders';
export { JordanCell } from './models/jordan';
export type { ActivationName } from './core/activations';
export { saveModelFiles, loadModelFiles } from './models/io';
export { lastHiddenState, evaluateCarryingState } from './models/state';

// Training (the fast engine, else tfjs) and predictions
export { train } from './train/train';
export { enginePrecision } from './engine';
export type { EnginePrecision } from './engine';
export { predictWindows, predictBatches } from './train/predict';
export type { TrainOptions, TrainHistory, TrainSettings, EpochLogs, OptimizerName, LossName } from './core/types';

// Metrics of the documents: errors, hit rates, baselines, descriptive statistics, ACF/PACF
export { mse, rmse, mae, hitRate, hitRateCurve, forecastMetrics } from './metrics/errors';
export { persistenceForecast, lastValueBaselineMae } from './metrics/errors';
export type { ForecastMetrics } from './metrics/errors';
export { describeSeries, missingCounts, acf, pacf } from './metrics/stats';

// Charts: Plotly figures (Spanish titles) and show(), which displays one in the notebook
export { show } from './plot/show';
export { seriesFigure, predictionFigure, lossFigure, hitRateFigure } from './plot/figures';
export { correlogramFigure, distributionFigure, metricsComparisonFigure } from './plot/figures';
export { paramCountFigure, smallMultiplesFigure } from './plot/figures';
export type { PlotlyFigure } from './plot/figure';
export { shownFigures } from './plot/show';
export type { ShownFigure } from './plot/show';

// Autograder checks of the assignments' test cells (nbgrader): pass with ✓, fail with the values
export { checkThat, checkEqual, checkClose, checkLayers, checkParams, checkTraining } from './grading/checks';
export { checkShown, byMode, CheckFailed } from './grading/checks';
export type { Tolerance, ExpectedLayer } from './grading/checks';
