export { projectRoot, outDir, cacheDir } from './paths';
export { isQuickMode, params } from './params';
export { report, writeFileAtomic } from './report';
export type { Metrics, ReportOptions } from './report';
