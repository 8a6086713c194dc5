#!/usr/bin/env node
// Typesets TeX formulas to MathML with KaTeX, for the HTML export of scripts/run_notebooks.py:
// Chromium (and Firefox, Safari) draw MathML natively, so the exported page needs no script,
// font or style sheet from the network. Reads a JSON list [{ tex, display }] on stdin and
// writes a JSON list of the same length on stdout, each { html } or { error } (KaTeX's message
// for a formula it cannot parse: the caller fails the export naming the cell and the formula).
const katex = require('katex');

function render(formulas) {
  if (!Array.isArray(formulas)) throw new Error('render-math.js expects a JSON list of { tex, display } on stdin');
  return formulas.map(({ tex, display }) => {
    try {
      return {
        html: katex.renderToString(String(tex), {
          displayMode: Boolean(display),
          output: 'mathml',
          throwOnError: true,
          strict: 'ignore',
        }),
      };
    } catch (err) {
      return { error: err instanceof katex.ParseError ? err.message : String(err) };
    }
  });
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify(render(JSON.parse(input))));
});
