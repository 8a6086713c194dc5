/**
 * `show(figure)`: one notebook output per chart carrying
 * - `application/vnd.plotly.v1+json` for renderers that have a Plotly renderer (VS Code, JupyterLab extension),
 * - `text/html`: the interactive chart, with plotly.js inlined once per kernel session from
 *   node_modules (offline, no CDN), plus the static image that the script hides once Plotly
 *   drew — so viewers that run no scripts (GitHub, nbviewer, an untrusted notebook) still
 *   show the chart, with no blank box above it. Charts whose script runs before the
 *   library (outputs rendered out of order or lazily) wait for it,
 * - `image/png`: the static image rendered by headless Chromium,
 * - `text/plain`: a one-line description.
 *
 * The output is written through the running tslab kernel's display writer (see
 * `kernel.ts`); outside a kernel (vitest, a plain Node script) `show` prints the
 * description and returns the bundle.
 */
import { randomBytes } from 'node:crypto';
import type { PlotlyFigure } from './figure';
import { tslabDisplayWriter } from './kernel';
import { plotlyLibraryScript, PLOTLY_LOCALE_ES, PLOTLY_READY_EVENT } from './library';
import { renderPng } from './render';

/** A Jupyter MIME bundle: MIME type → content. */
export type MimeBundle = Record<string, unknown>;

/** Options of {@link show} and {@link figureBundle}. */
export interface ShowOptions {
  /** Static image width in pixels; default the figure's `layout.width`, else 900. */
  width?: number;
  /** Static image and chart height in pixels; default the figure's `layout.height`, else 450. */
  height?: number;
  /** Render the static PNG (default true). Without it the chart needs JavaScript to be seen. */
  staticImage?: boolean;
  /**
   * `true`: inline plotly.js in this output even if an earlier output of the kernel
   * session already carried it (e.g. after clearing the cell that had it); `false`: never.
   * Default: only the first chart of the session carries it.
   */
  includeLibrary?: boolean;
}

/** What {@link figureBundle} returns: the bundle and, when the PNG is missing, why. */
export interface FigureBundleResult {
  bundle: MimeBundle;
  /** One-line Spanish note explaining a missing static image. */
  note?: string;
}

let libraryEmitted = false;

/** A chart that {@link show} displayed: what an autograder's "the chart was shown" check reads. */
export interface ShownFigure {
  /** The figure's title (`layout.title`), '' when it has none. */
  title: string;
  /** The traces' names, in order ('' for a trace without a name). */
  traces: string[];
  /** Points of each trace (non-null values of y, else x, else values). */
  points: number[];
}

const shown: ShownFigure[] = [];

function figureTitle(figure: PlotlyFigure): string {
  const layoutTitle = figure.layout.title as { text?: string } | string | undefined;
  return typeof layoutTitle === 'string' ? layoutTitle : (layoutTitle?.text ?? '');
}

function tracePoints(trace: PlotlyFigure['data'][number]): number {
  const values = (trace.y ?? trace.x ?? trace.values ?? []) as ArrayLike<unknown>;
  let points = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) points++;
  return points;
}

/**
 * Every chart {@link show} displayed in this kernel session, oldest first (copies): the
 * autograder's test cells check with it that the charts a document asks for were shown.
 */
export function shownFigures(): ShownFigure[] {
  return shown.map((f) => ({ title: f.title, traces: [...f.traces], points: [...f.points] }));
}

/** Short text description of a figure: title, then each trace with its number of points. */
export function describeFigure(figure: PlotlyFigure): string {
  const title = figureTitle(figure) || 'Gráfico';
  const traces = figure.data
    .filter((t) => t.showlegend !== false || figure.data.length === 1)
    .map((t) => {
      const points = tracePoints(t);
      return `${(t.name as string | undefined) ?? t.type ?? 'traza'} (${points} puntos)`;
    });
  return `${title}: ${traces.join(', ')}`;
}

function layoutSize(figure: PlotlyFigure, key: 'width' | 'height'): number | undefined {
  const v = figure.layout[key];
  return typeof v === 'number' && v > 0 ? v : undefined;
}

/** JSON safe inside a `<script>` element (no `</script>`, no `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function chartHtml(
  figure: PlotlyFigure,
  png: string | undefined,
  withLibrary: boolean,
  width: number,
  height: number,
): string {
  const id = `rnn-plot-${randomBytes(6).toString('hex')}`;
  const img = png
    ? `<img id="${id}-img" class="rnn-static-plot" alt="${escapeAttr(describeFigure(figure))}" src="data:image/png;base64,${png}" style="max-width:100%;height:auto"/>`
    : '';
  // The live div has no height until the script runs: without JavaScript only the image shows.
  const draw = `<script type="text/javascript">(function () {
  var fig = ${scriptJson({ data: figure.data, layout: figure.layout })};
  var started = false;
  function draw() {
    if (started) return true;
    var el = document.getElementById("${id}");
    if (!el || !window.Plotly) return false;
    started = true;
    el.style.height = "${height}px";
    try { window.Plotly.register(${scriptJson(PLOTLY_LOCALE_ES)}); } catch (e) {}
    window.Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false, locale: "es" }).then(function () {
      var img = document.getElementById("${id}-img"); if (img) img.style.display = "none";
    }, function (err) { el.style.height = "0"; if (window.console) console.error("show(): Plotly could not draw the chart", err); });
    return true;
  }
  if (!draw()) {
    window.addEventListener("${PLOTLY_READY_EVENT}", draw);
    var n = 0; var t = setInterval(function () { if (draw() || ++n > 1200) clearInterval(t); }, 100);
  }
})();</script>`;
  return `${withLibrary ? plotlyLibraryScript() : ''}<div class="rnn-plot" style="max-width:${width}px"><div id="${id}" class="rnn-plot-live" style="width:100%"></div>${img}</div>${draw}`;
}

/**
 * The MIME bundle {@link show} emits (exported for tests and custom displays). The
 * `text/html` carries plotly.js only while no chart of this process was displayed yet
 * (or with `includeLibrary`). If Chromium is unavailable the bundle has no `image/png`
 * and `note` says why.
 */
export async function figureBundle(figure: PlotlyFigure, options: ShowOptions = {}): Promise<FigureBundleResult> {
  const { bundle, note } = await buildBundle(figure, options);
  return note === undefined ? { bundle } : { bundle, note };
}

async function buildBundle(
  figure: PlotlyFigure,
  options: ShowOptions,
): Promise<FigureBundleResult & { withLibrary: boolean }> {
  if (!figure || !Array.isArray(figure.data) || typeof figure.layout !== 'object' || figure.layout === null) {
    throw new Error(
      'show(figure): figure must be a Plotly figure { data: [...], layout: {...} }, e.g. from lossFigure(...).',
    );
  }
  const width = options.width ?? layoutSize(figure, 'width') ?? 900;
  const height = options.height ?? layoutSize(figure, 'height') ?? 450;
  let png: string | undefined;
  let note: string | undefined;
  if (options.staticImage !== false) {
    try {
      png = await renderPng(figure, width, height);
    } catch (err) {
      note = `(sin imagen estática: ${(err as Error).message.split('\n')[0]}; el gráfico interactivo se muestra igualmente)`;
    }
  }
  const withLibrary = options.includeLibrary ?? !libraryEmitted;
  const bundle: MimeBundle = {
    'application/vnd.plotly.v1+json': { data: figure.data, layout: figure.layout },
    'text/html': chartHtml(figure, png, withLibrary, width, height),
    'text/plain': describeFigure(figure),
  };
  if (png) bundle['image/png'] = png;
  return { bundle, note, withLibrary };
}

/**
 * Displays `figure` in the running tslab notebook as one output (see the module note):
 * `await show(lossFigure(history))`. In a kernel it resolves to `undefined`, so that a
 * cell ending in `await show(fig)` does not echo the bundle. Outside a kernel it prints
 * the text description and resolves to the bundle. Never throws because Chromium is
 * missing: the chart is then interactive only and a one-line note says why.
 */
export async function show(figure: PlotlyFigure, options: ShowOptions = {}): Promise<MimeBundle | undefined> {
  const inKernel = tslabDisplayWriter() !== undefined;
  // Claimed before the (slow) rendering, so that charts shown concurrently carry the library once.
  const claim = inKernel && options.includeLibrary === undefined && !libraryEmitted;
  if (claim) libraryEmitted = true;
  let built: FigureBundleResult & { withLibrary: boolean };
  try {
    built = await buildBundle(
      figure,
      inKernel && options.includeLibrary === undefined ? { ...options, includeLibrary: claim } : options,
    );
  } catch (err) {
    if (claim) libraryEmitted = false;
    throw err;
  }
  const { bundle, note, withLibrary } = built;
  shown.push({
    title: figureTitle(figure),
    traces: figure.data.map((t) => (t.name as string | undefined) ?? ''),
    points: figure.data.map(tracePoints),
  });
  const write = tslabDisplayWriter();
  if (write) {
    write({ data: bundle, metadata: {}, transient: {} });
    if (withLibrary) libraryEmitted = true;
    if (note) console.log(note);
    return undefined;
  }
  if (claim) libraryEmitted = false;
  console.log(bundle['text/plain']);
  if (note) console.log(note);
  return bundle;
}

/** Forgets that plotly.js was already sent, so the next chart carries it again. */
export function resetPlotlyLibrary(): void {
  libraryEmitted = false;
}
