/**
 * Fused CPU training engine (forward + backpropagation through time + tfjs's optimizer
 * formulas on preallocated Float64 arrays) for small recurrent stacks. `train()` uses it
 * through `engineSupport` (null = supported, else the reason) and `fitFast`.
 */
export { engineSupport, fitFast, predictFast, engineGradients, isWindowBatches } from './fit';
export { FusedNetwork, readArchitecture, Unsupported } from './network';
export { FusedOptimizer, DEFAULT_LEARNING_RATES } from './optimizers';
export type { OptimizerSettings } from './optimizers';
export { activate, derivative } from './layers';
export type { Activation, FusedLayer, Param } from './layers';
