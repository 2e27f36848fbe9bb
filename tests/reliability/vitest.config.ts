import { defineProject } from 'vitest/config';
import { torchletAliases } from '../../tooling/vitest.shared';

// The soak tests force garbage collection between memory readings, so the workers run with
// --expose-gc; each file gets its own process (forks), so one file's garbage is not another's.
export default defineProject({
  resolve: { alias: torchletAliases },
  test: {
    name: 'reliability',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
  },
});
