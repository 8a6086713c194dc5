import * as path from 'node:path';

/** The project's root folder (the one holding package.json), from the compiled library's location. */
export function projectRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

/** Where executed notebooks, metrics and summaries go: `RNN_OUT_DIR` or `<project>/out`. */
export function outDir(): string {
  return process.env.RNN_OUT_DIR ? path.resolve(process.env.RNN_OUT_DIR) : path.join(projectRoot(), 'out');
}

/** The download cache of data sets: `RNN_CACHE_DIR` or `<project>/data`. */
export function cacheDir(): string {
  return process.env.RNN_CACHE_DIR ? path.resolve(process.env.RNN_CACHE_DIR) : path.join(projectRoot(), 'data');
}
