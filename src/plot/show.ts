/**
 * `show(figure)`: one notebook output per chart carrying
 * - `application/vnd.plotly.v1+json` for renderers that have a Plotly renderer (VS Code, JupyterLab extension),
 * - `text/html`: the interactive chart, with plotly.js inlined once per kernel session from
 *   node_modules (offline), plus the static image that the script hides once Plotly drew —
 *   so viewers that run no scripts (GitHub, nbviewer, an untrusted notebook) still show it,
 * - `image/png`: the static image rendered by headless Chromium,
 * - `text/plain`: a one-line description.
 */
import { randomBytes } from 'crypto';
import type { PlotlyFigure } from './figure';
import { plotlyLibraryScript } from './library';
import { renderPng } from './render';

/** A Jupyter MIME bundle. */
export type MimeBundle = Record<string, unknown>;

export interface ShowOptions {
  /** Static image size in pixels. */
  width?: number;
  height?: number;
  /** Skip the static PNG (faster; the chart then needs JavaScript to be seen). */
  staticImage?: boolean;
}

let libraryEmitted = false;

/** Short text description of a figure: title, traces and points. */
export function describeFigure(figure: PlotlyFigure): string {
  const layoutTitle = figure.layout.title as { text?: string } | string | undefined;
  const title = typeof layoutTitle === 'string' ? layoutTitle : layoutTitle?.text ?? 'Gráfico';
  const traces = figure.data.map((t) => {
    const y = (t.y ?? t.x ?? t.values ?? []) as ArrayLike<unknown>;
    return `${(t.name as string | undefined) ?? t.type ?? 'traza'} (${y.length} puntos)`;
  });
  return `${title}: ${traces.join(', ')}`;
}

function chartHtml(figure: PlotlyFigure, png: string | undefined, withLibrary: boolean, width: number, height: number): string {
  const id = `rnn-plot-${randomBytes(6).toString('hex')}`;
  const json = JSON.stringify({ data: figure.data, layout: figure.layout }).replace(/<\//g, '<\\/');
  const img = png
    ? `<img id="${id}-img" class="rnn-static-plot" alt="${describeFigure(figure).replace(/"/g, '&quot;')}" src="data:image/png;base64,${png}" style="max-width:100%"/>`
    : '';
  const draw = `<script type="text/javascript">(function () {
  var fig = ${json};
  function draw() {
    var el = document.getElementById("${id}");
    if (!el || !window.Plotly) return false;
    window.Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false }).then(function () {
      var img = document.getElementById("${id}-img"); if (img) img.style.display = "none";
    });
    return true;
  }
  if (!draw()) { var n = 0; var t = setInterval(function () { if (draw() || ++n > 200) clearInterval(t); }, 50); }
})();</script>`;
  return `${withLibrary ? plotlyLibraryScript() : ''}<div class="rnn-plot" style="max-width:${width}px"><div id="${id}" style="width:100%;height:${height}px"></div>${img}</div>${draw}`;
}

/** The MIME bundle `show()` emits (exported for tests and custom displays). */
export async function figureBundle(figure: PlotlyFigure, options: ShowOptions = {}): Promise<{ bundle: MimeBundle; note?: string }> {
  if (!figure || !Array.isArray(figure.data) || typeof figure.layout !== 'object') {
    throw new Error('show(figure): figure must be a Plotly figure { data: [...], layout: {...} }, e.g. from lossFigure(...).');
  }
  const width = options.width ?? 900;
  const height = options.height ?? 450;
  let png: string | undefined;
  let note: string | undefined;
  if (options.staticImage !== false) {
    try {
      png = await renderPng(figure, width, height);
    } catch (err) {
      note = `(sin imagen estática: ${(err as Error).message.split('\n')[0]}; el gráfico interactivo se muestra igualmente)`;
    }
  }
  const withLibrary = !libraryEmitted;
  const bundle: MimeBundle = {
    'application/vnd.plotly.v1+json': { data: figure.data, layout: figure.layout },
    'text/html': chartHtml(figure, png, withLibrary, width, height),
    'text/plain': describeFigure(figure),
  };
  if (png) bundle['image/png'] = png;
  return { bundle, note };
}

type DisplayWriter = (data: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> }) => void;

function tslabWriter(): DisplayWriter | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData?: DisplayWriter };
    return jupyter.lastWriteDisplayData;
  } catch {
    return undefined;
  }
}

/**
 * Displays `figure` in the running tslab notebook as one output (see the module note).
 * Outside a notebook it prints the text description. Resolves to nothing, so that
 * `await show(fig)` as a cell's last line does not print the bundle again
 * (use `figureBundle` to get it).
 */
export async function show(figure: PlotlyFigure, options: ShowOptions = {}): Promise<void> {
  const { bundle, note } = await figureBundle(figure, options);
  const write = tslabWriter();
  if (write) {
    write({ data: bundle, metadata: {}, transient: {} });
    libraryEmitted = true;
  } else {
    console.log(bundle['text/plain']);
  }
  if (note) console.log(note);
}

/** Forgets that plotly.js was already sent (a new kernel session starts without it). */
export function resetPlotlyLibrary(): void {
  libraryEmitted = false;
}
