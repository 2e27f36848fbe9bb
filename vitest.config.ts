import { defineConfig } from 'vitest/config';

// Run `npx vitest` at the root to run every package's tests as one set of projects.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples', 'tests/*'],
  },
});
