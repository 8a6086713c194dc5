/** A Plotly figure as plain JSON: what `Plotly.newPlot(div, data, layout)` takes. */
export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

/** Numbers a builder accepts. */
export type NumberSeries = ArrayLike<number>;

/** Copies typed arrays into plain arrays (Plotly JSON and MIME bundles need them). */
export function toPlain(values: NumberSeries): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isFinite(v) ? v : (null as unknown as number);
  }
  return out;
}
