/**
 * Data parallelism for large batches: the batch is split between the main thread and
 * worker threads (one per extra core), each computing the loss and gradients of its part
 * with its own copy of the network; the parts are combined weighted by their sizes. Used
 * when a batch is big enough for the split to pay (e.g. Jena's 256 windows × 120 steps);
 * tiny batches (the courses' batch 1) stay on one thread.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BatchBuffers, ErrorSums, FlatBatch, LossName } from '../core/types';
import type { BatchLossOptions, Network } from './network';

/** Multiply-adds per sample below which splitting a batch is not worth it. */
const MIN_WORK = 2_000_000;

/** How many threads to use for `core` at batch size `batch` (RNN_ENGINE_THREADS caps it). */
export function threadsFor(core: Network, batch: number): number {
  const env = Number(process.env.RNN_ENGINE_THREADS ?? '');
  const cores = Number.isInteger(env) && env > 0 ? env : os.cpus().length;
  const workPerSample = core.size * core.steps;
  const work = workPerSample * batch;
  if (cores < 2 || batch < 8 || work < MIN_WORK) return 1;
  return Math.min(cores, Math.floor(batch / 4));
}

/** One part of a batch, as a worker is sent it (see worker.ts). */
export interface Job {
  params: Float64Array;
  x: Float64Array;
  y: Float64Array;
  n: number;
  loss: LossName;
  gradients: boolean;
}

/** A worker's answer; it hands the part's buffers (x, y) back with it, for the next batch. */
export interface Reply extends BatchBuffers {
  value: number;
  sums: ErrorSums;
  grads?: Float64Array;
}

/** A pool of workers holding copies of one network. */
export class BatchSplitter {
  private readonly workers: Worker[] = [];
  /**
   * Per worker, the buffers its part of a batch is copied into. They are moved (not cloned)
   * to the worker and come back with its reply, so that a batch is copied into buffers that
   * exist instead of megabytes of new ones (allocating them costs more than the copy).
   */
  private readonly spare: Array<BatchBuffers | undefined> = [];
  private ready: Promise<void>;

  constructor(
    private readonly core: Network,
    extraThreads: number,
  ) {
    // Compiled: dist/engine/worker.js next to this file; from the TypeScript sources (tests),
    // the compiled copy in dist/.
    const local = path.join(__dirname, 'worker.js');
    const file = fs.existsSync(local) ? local : path.resolve(__dirname, '..', '..', 'dist', 'engine', 'worker.js');
    const starts: Array<Promise<void>> = [];
    for (let i = 0; i < extraThreads; i++) {
      const w = new Worker(file);
      this.workers.push(w);
      starts.push(
        new Promise((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        }),
      );
      w.postMessage({ spec: core.spec, precision: core.precision });
    }
    this.ready = Promise.all(starts).then(() => undefined);
  }

  private ask(k: number, job: Job): Promise<Reply> {
    const w = this.workers[k];
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      w.once('error', onError);
      w.once('message', (r: Reply) => {
        w.off('error', onError);
        this.spare[k] = { x: r.x, y: r.y };
        resolve(r);
      });
      w.postMessage({ job }, [job.x.buffer, job.y.buffer]);
    });
  }

  /**
   * `Network.batchLoss` with the batch split between this thread and the workers: the loss
   * (mean over the whole batch, without the L2 term) and, with `gradients`, the mean gradients
   * left in the main network's params; the errors are added to `sums`.
   */
  async batchLoss(batch: FlatBatch, { loss, gradients, sums }: BatchLossOptions): Promise<number> {
    await this.ready;
    const { x, y, n } = batch;
    const parts = this.workers.length + 1;
    const xs = this.core.steps * this.core.features;
    const ys = this.core.outSteps * this.core.outputs;
    const per = Math.ceil(n / parts);
    const params = this.core.flatten('value');
    const pending: Array<Promise<Reply>> = [];
    const counts: number[] = [];
    for (let k = 0; k < this.workers.length; k++) {
      const from = (k + 1) * per;
      const to = Math.min(n, from + per);
      if (to <= from) break;
      counts.push(to - from);
      pending.push(
        this.ask(k, {
          params,
          ...this.part(k, x.subarray(from * xs, to * xs), y.subarray(from * ys, to * ys)),
          n: to - from,
          loss,
          gradients,
        }),
      );
    }
    const own = Math.min(n, per);
    const localSums = { mse: 0, mae: 0 };
    const ownPart = { x: x.subarray(0, own * xs), y: y.subarray(0, own * ys), n: own };
    let value = this.core.batchLoss(ownPart, { loss, gradients, sums: localSums }) * own;
    if (gradients) for (const p of this.core.params) for (let i = 0; i < p.grad.length; i++) p.grad[i] *= own;
    const replies = await Promise.all(pending);
    let offsetSums = localSums;
    replies.forEach((r, k) => {
      value += r.value * counts[k];
      offsetSums = { mse: offsetSums.mse + r.sums.mse, mae: offsetSums.mae + r.sums.mae };
      if (gradients && r.grads) {
        let o = 0;
        for (const p of this.core.params) {
          for (let i = 0; i < p.grad.length; i++) p.grad[i] += r.grads[o + i] * counts[k];
          o += p.grad.length;
        }
      }
    });
    if (gradients) for (const p of this.core.params) for (let i = 0; i < p.grad.length; i++) p.grad[i] /= n;
    if (sums) {
      sums.mse += offsetSums.mse;
      sums.mae += offsetSums.mae;
    }
    return value / n;
  }

  /** Copies of x and y in worker k's buffers (new ones when a batch needs more room). */
  private part(k: number, x: Float64Array, y: Float64Array): BatchBuffers {
    let b = this.spare[k];
    this.spare[k] = undefined; // the worker's until it replies
    if (!b || b.x.length < x.length || b.y.length < y.length)
      b = { x: new Float64Array(x.length), y: new Float64Array(y.length) };
    b.x.set(x);
    b.y.set(y);
    return { x: b.x.subarray(0, x.length), y: b.y.subarray(0, y.length) };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
