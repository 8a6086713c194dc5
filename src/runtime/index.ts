export { projectRoot, outDir, cacheDir } from './paths';
export { isQuickMode, params } from './params';
export { seededRandom } from './random';
export { report, writeFileAtomic } from './report';
export type { Metrics, ReportOptions } from './report';
