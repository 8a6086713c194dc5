import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // tfjs and the notebook runner are heavy: one worker process per file, two at a time (2 cores).
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
  },
});
