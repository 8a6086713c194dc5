import * as fs from 'fs';

/** Path of the plotly.js bundle shipped in node_modules (never a CDN). */
export function plotlyScriptPath(): string {
  return require.resolve('plotly.js-dist-min/plotly.min.js');
}

/** Name of the window event fired once the inlined plotly.js has defined `window.Plotly`. */
export const PLOTLY_READY_EVENT = 'rnn-plotly-ready';

/**
 * A `<script>` that defines `window.Plotly` from the local bundle, then fires
 * {@link PLOTLY_READY_EVENT} so that charts whose scripts ran earlier (outputs rendered
 * out of order, lazily rendered cells) draw now. `define`, `module` and `exports` are
 * shadowed so the UMD wrapper sets the global even where RequireJS is loaded (classic
 * Jupyter Notebook).
 */
export function plotlyLibraryScript(): string {
  const src = fs.readFileSync(plotlyScriptPath(), 'utf8').replace(/<\/script/gi, '<\\/script');
  return (
    `<script type="text/javascript">if (!window.Plotly) { (function (define, module, exports) {\n${src}\n}).call(window); }\n` +
    `try { window.dispatchEvent(new Event("${PLOTLY_READY_EVENT}")); } catch (e) {}</script>`
  );
}
