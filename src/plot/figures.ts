/**
 * Figure builders used by the notebooks. They take plain arrays (number[] or typed
 * arrays, Date[]) and return Plotly figures with Spanish titles by default; every text
 * can be overridden through the options.
 */
import { type NumberSeries, type PlotlyFigure, toPlain } from './figure';

/** Texts common to every builder. */
export interface FigureTexts {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  height?: number;
  /**
   * Draw line traces with WebGL (`scattergl`). Default: only when the figure has more
   * than {@link WEBGL_POINTS} points, because browsers keep only ~16 WebGL contexts per
   * page and a notebook with many WebGL charts loses the oldest ones; SVG is fine below.
   */
  webgl?: boolean;
}

/** Above this many points in one figure, line traces use WebGL (`scattergl`) by default. */
export const WEBGL_POINTS = 20_000;

function lineTraceType(texts: FigureTexts, points: number): 'scatter' | 'scattergl' {
  return (texts.webgl ?? points > WEBGL_POINTS) ? 'scattergl' : 'scatter';
}

function baseLayout(
  texts: FigureTexts,
  defaults: Required<Omit<FigureTexts, 'height' | 'webgl'>>,
): Record<string, unknown> {
  return {
    title: { text: texts.title ?? defaults.title },
    xaxis: { title: { text: texts.xTitle ?? defaults.xTitle } },
    yaxis: { title: { text: texts.yTitle ?? defaults.yTitle } },
    height: texts.height ?? 450,
    margin: { l: 60, r: 20, t: 50, b: 50 },
    legend: { orientation: 'h', y: -0.2 },
    template: { layout: { font: { family: 'sans-serif' } } },
  };
}

function checkLengths(what: string, a: ArrayLike<unknown>, b: ArrayLike<unknown>, aName: string, bName: string): void {
  if (a.length !== b.length) {
    throw new Error(
      `${what}: ${aName} has ${a.length} values but ${bName} has ${b.length}; pass arrays of the same length.`,
    );
  }
}

/** Dates as ISO strings for Plotly: `yyyy-mm-dd` for daily data (all at midnight UTC), else full timestamps. */
function isoDates(dates: ArrayLike<Date | number>): Array<string | number> {
  const all = Array.from(dates);
  const daily = all.every((d) => d instanceof Date && d.getTime() % 86_400_000 === 0);
  return all.map((d) => (d instanceof Date ? (daily ? d.toISOString().slice(0, 10) : d.toISOString()) : d));
}

/** One or several series over dates (or indices). */
export function seriesFigure(
  x: ArrayLike<Date | number>,
  series: Record<string, NumberSeries> | NumberSeries,
  texts: FigureTexts = {},
): PlotlyFigure {
  const named: Record<string, NumberSeries> = isNumberSeries(series) ? { serie: series } : series;
  const xs = isoDates(x);
  const type = lineTraceType(texts, x.length * Object.keys(named).length);
  const data = Object.entries(named).map(([name, y]) => {
    checkLengths('seriesFigure', x, y, 'x', `series "${name}"`);
    return { type, mode: 'lines', name, x: xs, y: toPlain(y), line: { width: 1 } };
  });
  return { data, layout: baseLayout(texts, { title: 'Serie temporal', xTitle: 'Fecha', yTitle: 'Valor' }) };
}

function isNumberSeries(v: unknown): v is NumberSeries {
  return ArrayBuffer.isView(v) || Array.isArray(v);
}

/** A predicted segment: its x positions (dates or indices, already shifted by the lag) and values. */
export interface PredictionSegment {
  x: ArrayLike<Date | number>;
  predicted: NumberSeries;
}

/**
 * Real series vs predictions on training and test, in original units and aligned in
 * time. Each prediction i belongs to the target of window i, i.e. to position
 * `lag + i` of the series (documento 004 shows the shifted chart one gets by plotting
 * predictions from position 0): pass x values that already include that shift, e.g.
 * `dates.slice(lag, lag + n)`.
 */
export function predictionFigure(
  actual: { x: ArrayLike<Date | number>; y: NumberSeries },
  parts: { train?: PredictionSegment; test?: PredictionSegment },
  texts: FigureTexts = {},
): PlotlyFigure {
  checkLengths('predictionFigure', actual.x, actual.y, 'actual.x', 'actual.y');
  const type = lineTraceType(texts, actual.x.length + (parts.train?.x.length ?? 0) + (parts.test?.x.length ?? 0));
  const data: Array<Record<string, unknown>> = [
    {
      type,
      mode: 'lines',
      name: 'Real',
      x: isoDates(actual.x),
      y: toPlain(actual.y),
      line: { color: '#444', width: 1 },
    },
  ];
  const colors: Record<string, string> = { train: '#1f77b4', test: '#d62728' };
  const names: Record<string, string> = { train: 'Predicción (entrenamiento)', test: 'Predicción (test)' };
  for (const key of ['train', 'test'] as const) {
    const part = parts[key];
    if (!part) continue;
    checkLengths('predictionFigure', part.x, part.predicted, `${key}.x`, `${key}.predicted`);
    data.push({
      type,
      mode: 'lines',
      name: names[key],
      x: isoDates(part.x),
      y: toPlain(part.predicted),
      line: { color: colors[key], width: 1 },
    });
  }
  return { data, layout: baseLayout(texts, { title: 'Predicción vs valor real', xTitle: 'Fecha', yTitle: 'Valor' }) };
}

/** Per-epoch history as `train()` returns it (`history.loss`, `history.val_loss`, ...). */
export interface HistoryLike {
  history: Record<string, number[]>;
}

/**
 * Training vs validation loss per epoch, for one history or several named ones.
 * `key` picks the series (default `loss`; `mae` shows the metric).
 */
export function lossFigure(
  histories: HistoryLike | Record<string, HistoryLike>,
  options: FigureTexts & { logScale?: boolean; key?: string; validationOnly?: boolean } = {},
): PlotlyFigure {
  const key = options.key ?? 'loss';
  const named: Record<string, HistoryLike> =
    'history' in histories &&
    typeof (histories as HistoryLike).history === 'object' &&
    !Array.isArray((histories as HistoryLike).history)
      ? { '': histories as HistoryLike }
      : (histories as Record<string, HistoryLike>);
  const data: Array<Record<string, unknown>> = [];
  for (const [name, h] of Object.entries(named)) {
    const train = h.history[key];
    const val = h.history[`val_${key}`];
    if (!train && !val)
      throw new Error(
        `lossFigure: history "${name || 'history'}" has no "${key}" series (has: ${Object.keys(h.history).join(', ')}).`,
      );
    const prefix = name ? `${name} · ` : '';
    if (train && !options.validationOnly)
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `${prefix}entrenamiento`,
        x: train.map((_, i) => i + 1),
        y: toPlain(train),
        marker: { size: 4 },
      });
    if (val)
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `${prefix}validación`,
        x: val.map((_, i) => i + 1),
        y: toPlain(val),
        line: { dash: 'dot' },
        marker: { size: 4 },
      });
  }
  const layout = baseLayout(options, { title: 'Pérdida por época', xTitle: 'Época', yTitle: key.toUpperCase() });
  if (options.logScale) (layout.yaxis as Record<string, unknown>).type = 'log';
  return { data, layout };
}

/** Fractions (0.02, 0.8) to percentages; series already in percent (any value above 1) stay as they are. */
function asPercent(values: NumberSeries): number[] {
  const v = toPlain(values);
  return v.some((x) => x !== null && x > 1) ? v : v.map((x) => (x === null ? x : x * 100));
}

/**
 * Hit rate (share of predictions within a relative margin) vs margin, per model (documento
 * 000: margins 2 % … 5 %). Margins and rates as fractions (`0.02`, `0.83`, as
 * `forecastMetrics().curve` gives them) or already in percent; shown in percent.
 */
export function hitRateFigure(
  curves: Record<string, { margins: NumberSeries; rates: NumberSeries }>,
  texts: FigureTexts = {},
): PlotlyFigure {
  const data = Object.entries(curves).map(([name, c]) => {
    checkLengths('hitRateFigure', c.margins, c.rates, 'margins', `rates of "${name}"`);
    return { type: 'scatter', mode: 'lines+markers', name, x: asPercent(c.margins), y: asPercent(c.rates) };
  });
  const layout = baseLayout(texts, {
    title: 'Tasa de aciertos según el margen de error relativo',
    xTitle: 'Margen (%)',
    yTitle: 'Aciertos (%)',
  });
  (layout.yaxis as Record<string, unknown>).range = [0, 100];
  return { data, layout };
}

/**
 * ACF or PACF stems with the 95 % confidence band. `values[k]` is the correlation at lag
 * k (lag 0 included); `band` is either one half-width for all lags or one per lag.
 */
export function correlogramFigure(
  values: NumberSeries,
  band: number | NumberSeries,
  texts: FigureTexts = {},
): PlotlyFigure {
  const v = toPlain(values);
  const lags = v.map((_, k) => k);
  const half = typeof band === 'number' ? v.map(() => band) : toPlain(band);
  checkLengths('correlogramFigure', v, half, 'values', 'band');
  const stemX: Array<number | null> = [];
  const stemY: Array<number | null> = [];
  lags.forEach((k) => stemX.push(k, k, null));
  v.forEach((y) => stemY.push(0, y, null));
  const data = [
    {
      type: 'scatter',
      mode: 'lines',
      x: lags.concat([...lags].reverse()),
      y: half.concat(half.map((h) => -h).reverse()),
      fill: 'toself',
      fillcolor: 'rgba(31,119,180,0.2)',
      line: { width: 0 },
      name: 'Banda 95 %',
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'lines',
      x: stemX,
      y: stemY,
      line: { color: '#1f77b4', width: 1 },
      name: 'tallos',
      showlegend: false,
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'markers',
      x: lags,
      y: v,
      marker: { color: '#1f77b4', size: 4 },
      name: texts.yTitle ?? 'correlación',
    },
  ];
  return { data, layout: baseLayout(texts, { title: 'Correlograma', xTitle: 'Retardo', yTitle: 'Correlación' }) };
}

/** Histogram and boxplot of a sample with its mean marked. */
export function distributionFigure(values: NumberSeries, texts: FigureTexts & { bins?: number } = {}): PlotlyFigure {
  const finite = Array.from(values).filter((x) => Number.isFinite(x));
  if (finite.length === 0)
    throw new Error('distributionFigure: values has no finite number; pass the series to describe.');
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const v = toPlain(finite);
  const data = [
    {
      type: 'histogram',
      x: v,
      nbinsx: texts.bins ?? 40,
      name: 'Histograma',
      xaxis: 'x',
      yaxis: 'y',
      marker: { color: '#1f77b4' },
    },
    { type: 'box', x: v, name: 'Caja', xaxis: 'x', yaxis: 'y2', boxmean: true, marker: { color: '#ff7f0e' } },
    {
      type: 'scatter',
      mode: 'markers',
      x: [mean],
      y: ['Caja'],
      yaxis: 'y2',
      name: `Media = ${mean.toFixed(3)}`,
      marker: { symbol: 'x', size: 12, color: '#d62728' },
    },
  ];
  const layout = baseLayout(texts, { title: 'Distribución', xTitle: 'Valor', yTitle: 'Frecuencia' });
  layout.yaxis = { title: { text: texts.yTitle ?? 'Frecuencia' }, domain: [0, 0.72] };
  layout.yaxis2 = { domain: [0.78, 1], showticklabels: false };
  layout.shapes = [
    { type: 'line', x0: mean, x1: mean, y0: 0, y1: 1, yref: 'paper', line: { color: '#d62728', dash: 'dash' } },
  ];
  return { data, layout };
}

/** Several models' metrics as grouped bars: `{ modelo: { MSE: 0.1, 'aciertos 5 %': 0.8 } }`. */
export function metricsComparisonFigure(
  metrics: Record<string, Record<string, number>>,
  texts: FigureTexts = {},
): PlotlyFigure {
  const models = Object.keys(metrics);
  if (models.length === 0)
    throw new Error('metricsComparisonFigure: metrics is empty; pass { model: { metric: value } }.');
  const names = Array.from(new Set(models.flatMap((m) => Object.keys(metrics[m]))));
  const data = names.map((name) => ({
    type: 'bar',
    name,
    x: models,
    y: models.map((m) => metrics[m][name] ?? null),
    text: models.map((m) => (metrics[m][name] === undefined ? '' : Number(metrics[m][name]).toPrecision(3))),
    textposition: 'auto',
  }));
  const layout = baseLayout(texts, { title: 'Comparación de modelos', xTitle: 'Modelo', yTitle: 'Valor' });
  layout.barmode = 'group';
  return { data, layout };
}

/** Parameter count vs window length, one line per model family (documento 002). */
export function paramCountFigure(
  lookBacks: NumberSeries,
  counts: Record<string, NumberSeries>,
  texts: FigureTexts = {},
): PlotlyFigure {
  const data = Object.entries(counts).map(([name, c]) => {
    checkLengths('paramCountFigure', lookBacks, c, 'lookBacks', `counts of "${name}"`);
    return { type: 'scatter', mode: 'lines+markers', name, x: toPlain(lookBacks), y: toPlain(c) };
  });
  return {
    data,
    layout: baseLayout(texts, {
      title: 'Parámetros según la longitud de la ventana',
      xTitle: 'look_back (pasos)',
      yTitle: 'Parámetros entrenables',
    }),
  };
}

/** Several series in a grid of small plots sharing the x axis. */
export function smallMultiplesFigure(
  x: ArrayLike<Date | number>,
  series: Record<string, NumberSeries>,
  texts: FigureTexts & { columns?: number } = {},
): PlotlyFigure {
  const names = Object.keys(series);
  const cols = texts.columns ?? 2;
  const rows = Math.ceil(names.length / cols);
  const xs = isoDates(x);
  const type = lineTraceType(texts, x.length * names.length);
  const data = names.map((name, i) => {
    checkLengths('smallMultiplesFigure', x, series[name], 'x', `series "${name}"`);
    return {
      type,
      mode: 'lines',
      name,
      x: xs,
      y: toPlain(series[name]),
      xaxis: `x${i + 1}`,
      yaxis: `y${i + 1}`,
      line: { width: 1 },
    };
  });
  const layout: Record<string, unknown> = {
    title: { text: texts.title ?? 'Series' },
    grid: { rows, columns: cols, pattern: 'independent' },
    height: texts.height ?? Math.max(300, rows * 180),
    showlegend: false,
    margin: { l: 50, r: 20, t: 60, b: 40 },
    annotations: names.map((name, i) => ({
      text: name,
      showarrow: false,
      xref: `x${i + 1} domain`,
      yref: `y${i + 1} domain`,
      x: 0.5,
      y: 1.12,
      font: { size: 11 },
    })),
  };
  return { data, layout };
}
