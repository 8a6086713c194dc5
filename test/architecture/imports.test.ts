/**
 * The layering of src/, as the README's layout section writes it down: every import of every
 * file is checked against that table (folders and npm packages), and the files' import graph
 * must have no cycle.
 */
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const src = path.join(root, 'src');

interface Rule {
  folders: Set<string>;
  packages: Set<string>;
}

/** The README's table between `<!-- imports:begin -->` and `<!-- imports:end -->`. */
function readRules(): Map<string, Rule> {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const block = /<!-- imports:begin -->([\s\S]*?)<!-- imports:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no imports table (<!-- imports:begin --> … <!-- imports:end -->)');
  const rules = new Map<string, Rule>();
  for (const line of block[1].split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([^`]+?)\/?`$/.exec(cells[1] ?? '');
    if (!name) continue;
    const list = (cell: string) => new Set(cell === '—' ? [] : cell.split(',').map((x) => x.trim()));
    rules.set(name[1], { folders: list(cells[2]), packages: list(cells[3]) });
  }
  return rules;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The folder of a file under `base` ("index.ts" for the entry itself). */
const folderOf = (base: string, file: string): string => path.relative(base, file).split(path.sep)[0];

/** Every module a file imports, requires or re-exports. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

function resolveLocal(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`${from}: cannot resolve ${spec}`);
}

const packageName = (spec: string): string =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The imports of the files under `base` that the rules do not allow. */
function forbiddenImports(base: string, rules: Map<string, Rule>): string[] {
  const wrong: string[] = [];
  for (const file of sourceFiles(base)) {
    const folder = folderOf(base, file);
    const rule = rules.get(folder);
    if (!rule) {
      wrong.push(`${path.relative(base, file)}: the folder ${folder} is not in the table`);
      continue;
    }
    for (const spec of importsOf(file)) {
      const where = `${path.relative(base, file)} imports ${spec}`;
      if (spec.startsWith('.')) {
        const target = folderOf(base, resolveLocal(file, spec));
        const allowed = target === folder || rule.folders.has('every folder') || rule.folders.has(target);
        if (!allowed) wrong.push(`${where}: ${folder} may not import ${target}`);
      } else if (!builtins.has(spec) && !rule.packages.has(packageName(spec))) {
        wrong.push(`${where}: the package ${packageName(spec)} is not listed for ${folder}`);
      }
    }
  }
  return wrong;
}

/** Import cycles between the files under `base`, each as `a.ts → b.ts → a.ts`. */
function importCycles(base: string): string[] {
  const files = sourceFiles(base);
  const graph = new Map(
    files.map((f) => [
      f,
      importsOf(f)
        .filter((s) => s.startsWith('.'))
        .map((s) => resolveLocal(f, s)),
    ]),
  );
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, trail: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(f)), f].map((x) => path.relative(base, x)).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const g of graph.get(f) ?? []) visit(g, [...trail, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  return cycles;
}

describe('src imports run downward only', () => {
  const rules = readRules();

  it('the README table names every folder of src', () => {
    const folders = new Set(sourceFiles(src).map((f) => folderOf(src, f)));
    expect([...folders].sort()).toEqual([...rules.keys()].sort());
  });

  it('every import of src is allowed by the README table', () => {
    expect(forbiddenImports(src, rules)).toEqual([]);
  });

  it('the files of src import each other without a cycle', () => {
    expect(importCycles(src)).toEqual([]);
  });

  it('src/index.ts lists the public API by name (no export *)', () => {
    const entry = fs.readFileSync(path.join(src, 'index.ts'), 'utf8');
    expect(entry).not.toMatch(/export \*/);
  });

  it('finds an upward import, a package the table does not list, and a cycle', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write(
      'engine/a.ts',
      "import { x } from '../train/b';\nimport * as tf from '@tensorflow/tfjs';\nexport const a = 1;\n",
    );
    write('train/b.ts', "import { a } from '../engine/a';\nexport const x = a;\n");
    try {
      expect(forbiddenImports(dir, rules)).toEqual([
        'engine/a.ts imports ../train/b: engine may not import train',
        'engine/a.ts imports @tensorflow/tfjs: the package @tensorflow/tfjs is not listed for engine',
      ]);
      expect(importCycles(dir)).toEqual(['engine/a.ts → train/b.ts → engine/a.ts']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
