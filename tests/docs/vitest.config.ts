import { defineProject } from 'vitest/config';

// The checks spawn tsx and TypeDoc: seconds per call, so generous timeouts. One file at a time:
// `pnpm test` runs the other packages' tests alongside.
export default defineProject({
  test: { name: 'docs', include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
});
