export { timeseriesDatasetFromArray, lagWindows, sliceWindows, resolveSlice, seededPermutation, epochBatches } from './windows';
export type { TimeseriesDatasetOptions, TimeseriesDataset, LagWindowOptions, FlatBatch } from './windows';
export { splitByFractions, splitByRanges, splitFirstN, takeRange } from './splits';
export type { IndexRange } from './splits';
export { MinMaxScaler, StandardScaler, FixedRangeScaler } from './scalers';
export type { Scaler } from './scalers';
