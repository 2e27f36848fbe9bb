import { defineProject } from 'vitest/config';

// The end-to-end test drives the built page (dist/) in headless Chromium; `pnpm test` builds first.
export default defineProject({
  test: {
    name: 'playground',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
