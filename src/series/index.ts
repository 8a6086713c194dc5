export { timeseriesDatasetFromArray, lagWindows, sliceWindows, resolveSlice, seededPermutation } from './windows';
export type { TimeseriesDatasetOptions, TimeseriesDataset, LagWindowOptions } from './windows';
export { splitByFractions, splitByRanges, splitFirstN, takeRange } from './splits';
export type { IndexRange } from './splits';
export { MinMaxScaler, StandardScaler, FixedRangeScaler } from './scalers';
export type { Scaler } from './scalers';
