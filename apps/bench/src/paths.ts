// Where the app lives, found from the running file so it works from src (tests, tsx) and from
// the dist bundle alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The apps/bench directory: the nearest ancestor whose package.json is @torchlet/bench. */
export function appRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@torchlet/bench') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find apps/bench above ${from}`);
    dir = up;
  }
}

/** The repository root (its README carries the results table). */
export function repoRoot(): string {
  return join(appRoot(), '..', '..');
}
