import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataDirForTests, root } from './runner';

export interface ClassroomRun {
  status: number | null;
  stdout: string;
}

/** `node scripts/classroom.js …` (what `npm run assignments|grade` run), asynchronously. */
export function classroom(args: string[], env: Record<string, string>): Promise<ClassroomRun> {
  const dataDir = dataDirForTests();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'classroom.js'), ...args], {
      cwd: root,
      env: { ...process.env, ...(dataDir ? { RNN_DATA_DIR: dataDir } : {}), ...env },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

/** The parts of a notebook file the classroom tests read. */
export interface Cell {
  id: string;
  cell_type: string;
  source: string[] | string;
  outputs?: unknown[];
  metadata: {
    nbgrader?: { grade?: boolean; solution?: boolean; locked?: boolean; points?: number; grade_id?: string };
  };
}
export interface Notebook {
  cells: Cell[];
}

/** A cell's source as one string (nbformat allows a list of lines or a string). */
export const text = (s: string[] | string): string => (Array.isArray(s) ? s.join('') : s);

export function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
}

/** A copy of `nb` with the given cells' sources replaced, as a student would have written them. */
export function variant(nb: Notebook, sources: Record<string, string>): Notebook {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  const missing = Object.keys(sources).filter((id) => !copy.cells.some((c) => c.id === id));
  if (missing.length) throw new Error(`variant: no cell with id ${missing.join(', ')}`);
  for (const c of copy.cells) if (c.id in sources) c.source = sources[c.id];
  return copy;
}

/** Writes a submission (a notebook, or any text), creating its folders. */
export function put(file: string, content: Notebook | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
}

/** A CSV written by `npm run grade` as rows of objects (its fields hold no commas). */
export function readCsv(file: string): Record<string, string>[] {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const keys = head.split(',');
  return lines.map((l) => {
    const v = l.split(',');
    return Object.fromEntries(keys.map((k, i) => [k, v[i] ?? '']));
  });
}

/** A scratch folder for one test file: in it the course, a submissions folder and the grades' folder. */
export function scratchCourse(prefix: string) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const course = path.join(tmp, 'course');
  return {
    dir: tmp,
    course,
    submissions: path.join(tmp, 'entregas'),
    out: path.join(tmp, 'notas'),
    env: { RNN_COURSE_ROOT: course },
  };
}
