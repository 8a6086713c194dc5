import * as fs from 'node:fs';

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

/**
 * A Spanish Plotly locale (month and day names on date axes, modebar tooltips). The
 * decimal mark stays a point, as in the numbers the notebooks print; thousands are
 * separated by a thin space, which reads the same in Spanish and English.
 */
export const PLOTLY_LOCALE_ES = {
  moduleType: 'locale',
  name: 'es',
  dictionary: {
    Autoscale: 'Autoescalar',
    'Box Select': 'Seleccionar rectángulo',
    'Download plot as a png': 'Descargar como PNG',
    'Lasso Select': 'Seleccionar con lazo',
    Pan: 'Desplazar',
    'Reset axes': 'Restablecer ejes',
    'Toggle Spike Lines': 'Líneas de referencia',
    Zoom: 'Zoom',
    'Zoom in': 'Acercar',
    'Zoom out': 'Alejar',
    'Show closest data on hover': 'Mostrar el dato más cercano',
    'Compare data on hover': 'Comparar datos al pasar el ratón',
  },
  format: {
    days: ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'],
    shortDays: ['dom', 'lun', 'mar', 'mié', 'jue', 'vie', 'sáb'],
    months: [
      'enero',
      'febrero',
      'marzo',
      'abril',
      'mayo',
      'junio',
      'julio',
      'agosto',
      'septiembre',
      'octubre',
      'noviembre',
      'diciembre',
    ],
    shortMonths: ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'],
    periods: ['AM', 'PM'],
    dateTime: '%A, %e de %B de %Y, %X',
    date: '%d/%m/%Y',
    time: '%H:%M:%S',
    decimal: '.',
    thousands: '\u2009',
    grouping: [3],
    currency: ['', ' €'],
    year: '%Y',
    month: '%b %Y',
    dayMonth: '%e %b',
    dayMonthYear: '%e %b %Y',
  },
} as const;
