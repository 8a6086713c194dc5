/**
 * Charts: Plotly figure builders (plain arrays in, plain `{data, layout}` figures out,
 * Spanish titles by default) and `show(figure)`, which displays one notebook output per
 * chart with Plotly JSON, offline interactive HTML, a static PNG and a text description.
 */
export type { PlotlyFigure, NumberSeries } from './figure';
export { show, figureBundle, describeFigure, resetPlotlyLibrary } from './show';
export type { ShowOptions, MimeBundle, FigureBundleResult } from './show';
export { renderPng, closeRenderer, chromiumPath, CHROMIUM_FLAGS, RENDERER_IDLE_MS } from './render';
export { plotlyScriptPath, PLOTLY_READY_EVENT, PLOTLY_LOCALE_ES } from './library';
export { tslabDisplayWriter } from './kernel';
export type { DisplayWriter, DisplayContent } from './kernel';
export {
  seriesFigure,
  predictionFigure,
  lossFigure,
  hitRateFigure,
  correlogramFigure,
  distributionFigure,
  metricsComparisonFigure,
  paramCountFigure,
  smallMultiplesFigure,
  WEBGL_POINTS,
} from './figures';
export type { FigureTexts, PredictionSegment, HistoryLike } from './figures';
