// Test-time aliases: every @torchlet import resolves to source, so one Tensor class and one
// grad-mode state exist in a test run and tests never run against a stale build.
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

export const torchletAliases = [
  { find: /^@torchlet\/core\/testing$/, replacement: src('packages/core/src/testing/index.ts') },
  { find: /^@torchlet\/core$/, replacement: src('packages/core/src/index.ts') },
  { find: /^@torchlet\/nn$/, replacement: src('packages/nn/src/index.ts') },
  { find: /^@torchlet\/optim$/, replacement: src('packages/optim/src/index.ts') },
];
