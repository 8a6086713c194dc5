import * as fs from 'fs';

/** Path of the plotly.js bundle shipped in node_modules (never a CDN). */
export function plotlyScriptPath(): string {
  return require.resolve('plotly.js-dist-min/plotly.min.js');
}

/**
 * A `<script>` that defines `window.Plotly` from the local bundle. `define`, `module` and
 * `exports` are shadowed so the UMD wrapper sets the global even where RequireJS is
 * loaded (classic Jupyter Notebook).
 */
export function plotlyLibraryScript(): string {
  const src = fs.readFileSync(plotlyScriptPath(), 'utf8').replace(/<\/script/gi, '<\\/script');
  return `<script type="text/javascript">if (!window.Plotly) { (function (define, module, exports) {\n${src}\n}).call(window); }</script>`;
}
