#!/usr/bin/env node
// Makes the compiled library importable by its package name from any folder of the project:
// node_modules/rnn-notebooks/ forwards to dist/ (run by `npm install`, after the build).
//
// The notebooks write `import { … } from "rnn-notebooks"` rather than "../dist": Node and
// tslab's TypeScript look the name up in node_modules/ of every folder above the notebook, so
// the same notebook runs in notebooks/, in the course's release/ and autograded/ folders of
// nbgrader (course/…/<assignment>/), and in a student's copy anywhere inside the project. npm
// cannot make a package depend on itself (ENOSELF), hence this small forwarding package; it is
// a plain folder, not a symlink to the project, so nothing that walks node_modules loops.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'node_modules', 'rnn-notebooks');
const files = {
  'package.json': `${JSON.stringify(
    {
      name: 'rnn-notebooks',
      private: true,
      description: 'Forwards to the project library in ../../dist (made by scripts/link-package.js)',
      main: 'index.js',
      types: 'index.d.ts',
    },
    null,
    2,
  )}\n`,
  'index.js': "'use strict';\nmodule.exports = require('../../dist/index.js');\n",
  'index.d.ts': "export * from '../../dist/index';\n",
};

fs.mkdirSync(dir, { recursive: true });
for (const [name, content] of Object.entries(files)) {
  const file = path.join(dir, name);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) continue;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
