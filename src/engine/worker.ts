/**
 * Worker thread of the engine: holds a Network built from the spec it is given and
 * computes loss, metric sums and gradients for the part of a batch it is sent.
 */
import { parentPort } from 'node:worker_threads';
import { Network, type NetworkSpec } from './network';
import type { Job, Reply } from './parallel';
import type { EnginePrecision } from './precision';

let core: Network | undefined;

parentPort?.on('message', (msg: { spec?: NetworkSpec; precision?: EnginePrecision; job?: Job }) => {
  if (msg.spec) {
    core = new Network(msg.spec, msg.precision);
    parentPort!.postMessage({ ready: true });
    return;
  }
  const job = msg.job!;
  core!.unflatten('value', job.params);
  const sums = { mse: 0, mae: 0 };
  const value = core!.batchLoss(job, { loss: job.loss, gradients: job.gradients, sums });
  const grads = job.gradients ? core!.flatten('grad') : undefined;
  // the part's buffers go back with the answer, for the next batch
  const reply: Reply = { value, sums, grads, x: new Float64Array(job.x.buffer), y: new Float64Array(job.y.buffer) };
  parentPort!.postMessage(reply, [reply.x.buffer, reply.y.buffer, ...(grads ? [grads.buffer] : [])]);
});
