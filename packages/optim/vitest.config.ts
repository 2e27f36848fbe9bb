import { defineProject } from 'vitest/config';
import { torchletAliases } from '../../tooling/vitest.shared';

export default defineProject({
  resolve: { alias: torchletAliases },
  test: { name: 'optim', include: ['test/**/*.test.ts'] },
});
