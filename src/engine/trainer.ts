/**
 * One network trained by the engine: a gradient step on a batch (the loss and gradients,
 * split across threads for large batches, the L2 term, the optimizer's update) and the loss
 * over data without gradients. The epochs around it are written once, in train/loop.ts.
 */
import type { ErrorSums, FlatBatch, LossName } from '../core/types';
import type { Network } from './network';
import { FusedOptimizer, type OptimizerSettings } from './optimizers';
import { BatchSplitter, threadsFor } from './parallel';

export interface TrainerSettings {
  loss: LossName;
  /** L2 coefficient on the kernels (0 = none). */
  l2: number;
  optimizer: OptimizerSettings;
  /** The training batch size: large batches are split across threads (batch 1 stays here). */
  batchSize: number;
}

/** Batches smaller than this are not split between threads. */
const MIN_SPLIT_BATCH = 8;

export class Trainer {
  private readonly optimizer: FusedOptimizer;
  private readonly splitter?: BatchSplitter;

  constructor(
    readonly network: Network,
    private readonly settings: TrainerSettings,
  ) {
    this.optimizer = new FusedOptimizer(network.params, settings.optimizer);
    const threads = threadsFor(network, settings.batchSize);
    if (threads > 1) this.splitter = new BatchSplitter(network, threads - 1);
  }

  /**
   * One gradient step on `batch`: returns its loss with the L2 term (a promise when the batch
   * is split across threads); its squared and absolute errors are added to `sums`.
   */
  step(batch: FlatBatch, sums: ErrorSums): number | Promise<number> {
    const options = { loss: this.settings.loss, gradients: true, sums };
    if (this.splitter && batch.n >= MIN_SPLIT_BATCH) {
      return this.splitter.batchLoss(batch, options).then((value) => this.update(value));
    }
    return this.update(this.network.batchLoss(batch, options));
  }

  /** Adds the L2 term to the loss and its gradient, then lets the optimizer update the weights. */
  private update(value: number): number {
    const loss = value + this.network.l2Penalty(this.settings.l2, { gradients: true });
    this.optimizer.step();
    return loss;
  }

  /** Loss (with the L2 term) and mean errors over `batches`, without gradients. */
  async evaluate(batches: Iterable<FlatBatch>): Promise<{ loss: number } & ErrorSums> {
    const sums = { mse: 0, mae: 0 };
    const options = { loss: this.settings.loss, gradients: false, sums };
    let weighted = 0;
    let count = 0;
    for (const b of batches) {
      const value = this.splitter ? await this.splitter.batchLoss(b, options) : this.network.batchLoss(b, options);
      weighted += value * b.n;
      count += b.n;
    }
    const per = count * this.network.outSteps * this.network.outputs;
    const loss = weighted / count + this.network.l2Penalty(this.settings.l2, { gradients: false });
    return { loss, mse: sums.mse / per, mae: sums.mae / per };
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await this.splitter?.close();
  }
}
