import { defineProject } from 'vitest/config';

// The checks spawn pnpm, npm, node, tsc and attw: slow per call, so generous timeouts.
export default defineProject({
  // One file at a time: the checks spawn processes, and `pnpm test` runs other packages' tests alongside.
  test: { name: 'packaging', include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false },
});
