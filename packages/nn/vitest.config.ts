import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { torchletAliases } from '../../tooling/vitest.shared';

// '@torchlet/nn/node' also resolves to source, never to a (possibly stale) dist/.
const nodeEntry = { find: /^@torchlet\/nn\/node$/, replacement: fileURLToPath(new URL('./src/node.ts', import.meta.url)) };

export default defineProject({
  resolve: { alias: [nodeEntry, ...torchletAliases] },
  test: { name: 'nn', include: ['test/**/*.test.ts'] },
});
