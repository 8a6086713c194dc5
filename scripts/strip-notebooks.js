#!/usr/bin/env node
// `npm run strip`: removes outputs and execution counts from notebooks/*.ipynb (written
// atomically). `--check` only reports notebooks that carry outputs and exits 1 if any do.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./jupyter-env');

const check = process.argv.includes('--check');
const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dir = path.join(root, 'notebooks');
const targets = files.length
  ? files
  : fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ipynb'))
      .map((f) => path.join(dir, f));
let dirty = 0;
for (const file of targets) {
  let nb;
  try {
    nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`${file}: not a valid notebook (${err.message}); left untouched.`);
    process.exitCode = 1;
    continue;
  }
  let changed = false;
  for (const cell of nb.cells || []) {
    if (cell.cell_type !== 'code') continue;
    if (cell.outputs?.length || cell.execution_count !== null) changed = true;
    cell.outputs = [];
    cell.execution_count = null;
  }
  if (!changed) continue;
  dirty++;
  if (check) {
    console.error(`${path.relative(root, file)} carries outputs: run \`npm run strip\`.`);
    continue;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(nb, null, 1)}\n`);
  fs.renameSync(tmp, file);
  console.log(`stripped ${path.relative(root, file)}`);
}
if (check && dirty) process.exitCode = 1;
