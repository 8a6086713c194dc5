/**
 * The fused CPU engine: forward pass and backpropagation through time of small recurrent
 * stacks on preallocated float32 (or float64) arrays, with WebAssembly SIMD kernels, worker
 * threads for large batches, and tfjs's optimizer formulas. A leaf: it knows no tfjs (train/fast.ts
 * translates a tfjs model into a `NetworkSpec` and back).
 */
export { Network, layerFromSpec } from './network';
export type { LayerSpec, NetworkSpec, BatchLossOptions } from './network';
export { Trainer } from './trainer';
export type { TrainerSettings } from './trainer';
export { FusedOptimizer, DEFAULT_LEARNING_RATES } from './optimizers';
export type { OptimizerSettings } from './optimizers';
export type { FusedLayer, Param } from './layers';
export { enginePrecision, ENGINE_PRECISIONS } from './precision';
export type { EnginePrecision } from './precision';
