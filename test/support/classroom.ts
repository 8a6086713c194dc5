import { spawn } from 'node:child_process';
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
