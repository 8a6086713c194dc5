export { train } from './train';
export { fitTfjs, outputShape } from './tfjs-loop';
export { ProgressLine } from './progress';
export type { TfjsLoopHooks } from './tfjs-loop';
