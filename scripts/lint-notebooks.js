#!/usr/bin/env node
// Part of `npm run lint`: the notebooks' code cells follow the project's sizes for students —
// at most 100 characters a line and at most 10 lines a cell — and the notebooks are committed
// without outputs. Exits 1 and names every offending line (notebook, cell, line, length) and
// every long cell (notebook, cell, its id, lines). The nbgrader delimiter lines
// (`// BEGIN SOLUTION`, `// END SOLUTION`, `// BEGIN HIDDEN TESTS`, `// END HIDDEN TESTS`) do not
// count as lines: the student version has no delimiters.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const MAX_WIDTH = 100;
const MAX_LINES = 10;
const DELIMITER = /^\s*\/\/\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$/;
const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'notebooks');
const files = process.argv.slice(2).length
  ? process.argv.slice(2).map((f) => path.resolve(f))
  : fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ipynb'))
      .sort()
      .map((f) => path.join(dir, f));

const problems = [];
for (const file of files) {
  const name = path.relative(root, file);
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    source.split('\n').forEach((line, j) => {
      if (line.length > MAX_WIDTH) {
        problems.push(`${name}: cell ${i + 1}, line ${j + 1} has ${line.length} characters (at most ${MAX_WIDTH})`);
      }
    });
    const lines = source
      .replace(/\n$/, '')
      .split('\n')
      .filter((l) => !DELIMITER.test(l)).length;
    if (lines > MAX_LINES) {
      const id = cell.id ? ` (id ${cell.id})` : '';
      problems.push(`${name}: cell ${i + 1}${id} has ${lines} lines (at most ${MAX_LINES})`);
    }
    if (cell.outputs?.length || cell.execution_count !== null) {
      problems.push(`${name}: cell ${i + 1} carries outputs; run \`npm run strip\``);
    }
  });
}
for (const p of problems) console.error(p);
if (problems.length) {
  console.error(`${problems.length} problem(s) in the notebooks.`);
  process.exitCode = 1;
} else {
  console.log(
    `notebooks: ${files.length} checked, every code line ≤ ${MAX_WIDTH} characters, every code cell ≤ ${MAX_LINES} lines, no outputs.`,
  );
}
