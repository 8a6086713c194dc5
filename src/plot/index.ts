export type { PlotlyFigure, NumberSeries } from './figure';
export { show, figureBundle, describeFigure, resetPlotlyLibrary } from './show';
export type { ShowOptions, MimeBundle } from './show';
export { renderPng, closeRenderer, chromiumPath, CHROMIUM_FLAGS } from './render';
export { plotlyScriptPath } from './library';
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
} from './figures';
export type { FigureTexts, PredictionSegment, HistoryLike } from './figures';
