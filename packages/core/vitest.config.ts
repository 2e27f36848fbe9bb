import { defineProject } from 'vitest/config';
import { torchletAliases } from '../../tooling/vitest.shared';

export default defineProject({
  resolve: { alias: torchletAliases },
  test: {
    name: process.env.TORCHLET_BACKEND ? `core (${process.env.TORCHLET_BACKEND})` : 'core',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-backend.ts'],
  },
});
