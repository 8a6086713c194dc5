export { mse, rmse, mae, hitRate, hitRateCurve, DEFAULT_MARGINS, persistenceForecast, lastValueBaselineMae, forecastMetrics } from './errors';
export type { ForecastMetrics } from './errors';
export { describeSeries, describeColumns, missingCounts, autocovariance, acf, pacf, quantileSorted } from './stats';
export type { Description, Correlogram } from './stats';
