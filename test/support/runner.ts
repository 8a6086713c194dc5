import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const root = path.resolve(__dirname, '..', '..');

/** Points RNN_DATA_DIR at the shared real data when the caller did not set it. */
export function dataDirForTests(): string | undefined {
  if (process.env.RNN_DATA_DIR) return process.env.RNN_DATA_DIR;
  for (const d of [path.resolve(root, '..', 'shared', 'data'), '/work/shared/data']) {
    if (fs.existsSync(d)) return d;
  }
  return undefined;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  outDir: string;
}

/**
 * Runs `node scripts/run-notebooks.js <notebooks>` with a fresh out dir (or the `RNN_OUT_DIR` given
 * in `env`). Asynchronous, so the vitest worker keeps answering its RPC while a long notebook runs.
 */
export function runNotebooks(notebooks: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const outDir = env.RNN_OUT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-out-'));
  const dataDir = dataDirForTests();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'run-notebooks.js'), ...notebooks], {
      cwd: root,
      env: { ...process.env, RNN_OUT_DIR: outDir, ...(dataDir ? { RNN_DATA_DIR: dataDir } : {}), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, outDir }));
  });
}

/** Writes a throwaway tslab notebook with the given code cells. */
export function writeNotebook(dir: string, name: string, cells: string[]): string {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript' },
    },
    cells: cells.map((source, i) => ({
      cell_type: 'code',
      id: `c${i}`,
      metadata: {},
      source,
      outputs: [],
      execution_count: null,
    })),
  };
  const file = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
}
