/** A Plotly figure as plain JSON: what `Plotly.newPlot(div, data, layout)` takes. */
export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

/** Numbers a builder accepts. */
export type NumberSeries = ArrayLike<number>;

/** Significant digits kept in figure data: more than a chart can show, and the notebook stays small. */
export const FIGURE_DIGITS = 7;

/**
 * Copies typed arrays into plain arrays (Plotly JSON and MIME bundles need them),
 * rounded to {@link FIGURE_DIGITS} significant digits (a figure's data is stored twice in
 * the notebook, and 17-digit doubles would double its size); NaN/±Infinity become null
 * (a gap in the line).
 */
export function toPlain(values: NumberSeries): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isFinite(v)
      ? Number.isInteger(v) && Math.abs(v) < 1e15
        ? v
        : Number(v.toPrecision(FIGURE_DIGITS))
      : (null as unknown as number);
  }
  return out;
}
