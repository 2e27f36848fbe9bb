#!/usr/bin/env node
// `pnpm bench [--full] [--filter x] [--compare] [--json file] [--update-readme]`: builds the bench
// app and what it depends on, then runs it with --expose-gc (needed for memory figures), passing
// flags through (apps/bench/README.md).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, [join(root, 'node_modules/turbo/bin/turbo'), 'run', 'build', '--filter=@torchlet/bench...', '--output-logs=errors-only']);
run(process.execPath, ['--expose-gc', join(root, 'apps/bench/dist/cli.js'), ...process.argv.slice(2)]);
