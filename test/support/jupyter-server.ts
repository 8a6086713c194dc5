import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A Jupyter server started by a test, in its own process group (the server and its kernels). */
export class JupyterServer {
  private log = '';
  private readonly child: ChildProcess;

  constructor(
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
    readonly port: number,
    readonly token: string,
  ) {
    this.child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
  }

  /** Everything the server printed so far. */
  get output(): string {
    return this.log;
  }

  url(route: string): string {
    return `http://127.0.0.1:${this.port}${route}${route.includes('?') ? '&' : '?'}token=${this.token}`;
  }

  /** Resolves once the server answers /api/status with the token; throws with its log if it exits or times out. */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`Jupyter exited (${this.child.exitCode}):\n${this.log}`);
      try {
        if ((await fetch(this.url('/api/status'))).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`Jupyter did not answer on port ${this.port} within ${timeoutMs / 1000} s:\n${this.log}`);
  }

  /** SIGTERM to the whole group, SIGKILL after 10 s; resolves when the server has exited. */
  stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 10_000);
      child.on('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        clearTimeout(kill);
        resolve();
      }
    });
  }
}
