// The release plan: `changeset version` in a temporary copy of the repository's package.json
// files and .changeset/, with the workspace's @changesets/cli. The published packages are one
// `fixed` group; nn and optim take @torchlet/core as a peer dependency, which changesets by
// default answers with a major bump of the dependents (0.0.0 → 1.0.0 for a first release).
// .changeset/config.json's onlyUpdatePeerDependentsWhenOutOfRange plus a peer range that covers
// every 0.x version keeps 0.x releases on 0.x (see .changeset/README.md).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED, cleanEnv, resolveFromRoot, root, runOk } from './helpers.js';

let copy = '';
const cli = join(dirname(resolveFromRoot('@changesets/cli/package.json')), 'bin.js');
const readJson = (file: string) => JSON.parse(readFileSync(join(copy, file), 'utf8'));
const versionOf = (dir: string) => readJson(`${dir}/package.json`).version as string;

/** Every workspace package directory (the globs of pnpm-workspace.yaml, one level deep). */
function workspaceDirs(): string[] {
  const globs = [...readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').matchAll(/^\s+-\s+['"]?([^'"\s]+)/gm)].map((m) => m[1]);
  const dirs: string[] = [];
  for (const g of globs) {
    if (!g.endsWith('/*')) dirs.push(g);
    else for (const d of readdirSync(join(root, g.slice(0, -2)))) dirs.push(`${g.slice(0, -2)}/${d}`);
  }
  return dirs.filter((d) => existsSync(join(root, d, 'package.json')));
}

const changesetText = (file: string) => readFileSync(join(root, '.changeset', file), 'utf8').replace(/^---[\s\S]*?---\s*/, '').trim();
const pending = readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
const before = Object.fromEntries(workspaceDirs().map((d) => [d, JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8')).version as string]));
let output = '';

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'torchlet-changesets-'));
  for (const f of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(root, f), join(copy, f));
  cpSync(join(root, '.changeset'), join(copy, '.changeset'), { recursive: true });
  for (const d of workspaceDirs()) {
    mkdirSync(join(copy, d), { recursive: true });
    cpSync(join(root, d, 'package.json'), join(copy, d, 'package.json'));
  }
  // The changelog generator named in config.json resolves from the copy's node_modules.
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const r = await runOk(process.execPath, [cli, 'version'], { cwd: copy, env: cleanEnv() });
  output = r.stdout + r.stderr;
}, 60_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('changeset version', () => {
  it('plans one version for core, nn and optim that stays on 0.x (0.1.0 for the first release)', () => {
    const versions = PUBLISHED.map((p) => versionOf(`packages/${p}`));
    expect(new Set(versions).size).toBe(1); // the fixed group
    if (before['packages/core'] === '0.0.0' && pending.length > 0) expect(versions[0]).toBe('0.1.0');
    // No changeset here asks for a major; a peer dependency must not turn a minor into 1.0.0.
    const majors = pending.filter((f) => /:\s*['"]?major/.test(readFileSync(join(root, '.changeset', f), 'utf8')));
    if (majors.length === 0 && before['packages/core'].startsWith('0.')) expect(versions[0]).toMatch(/^0\./);
  });

  it('leaves private packages (apps, examples, tests) alone', () => {
    for (const [dir, version] of Object.entries(before)) {
      if (!readJson(`${dir}/package.json`).private) continue;
      expect(versionOf(dir), dir).toBe(version);
      expect(existsSync(join(copy, dir, 'CHANGELOG.md')), dir).toBe(false);
    }
  });

  it('writes each package a CHANGELOG.md with its changesets', () => {
    if (pending.length === 0) return; // nothing to release: nothing written
    const version = versionOf('packages/core');
    for (const p of PUBLISHED) {
      const log = readFileSync(join(copy, 'packages', p, 'CHANGELOG.md'), 'utf8');
      expect(log.startsWith(`# @torchlet/${p}\n\n## ${version}\n`)).toBe(true);
      for (const f of pending) {
        if (!readFileSync(join(root, '.changeset', f), 'utf8').includes(`'@torchlet/${p}'`)) continue;
        const firstLine = changesetText(f).split('\n')[0];
        expect(log).toContain(firstLine);
      }
    }
    expect(readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md'))).toEqual(['README.md']); // consumed
  });

  it('keeps the peer ranges valid: no "must depend on the current version" warnings, ranges unchanged', () => {
    // A peer range the workspace's own core does not satisfy (e.g. "^0.1.0" while core is 0.0.0)
    // also yields 0.1.0, but only because changesets then drops the dependency from its graph.
    expect(output).not.toMatch(/must depend on the current version/);
    for (const p of ['nn', 'optim']) {
      const now = readJson(`packages/${p}/package.json`).peerDependencies['@torchlet/core'];
      const was = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')).peerDependencies['@torchlet/core'];
      expect(now).toBe(was);
    }
  });

  it('keeps the next minor release on 0.x too (0.1.0 + a core minor → 0.2.0 for all three)', async () => {
    const from = versionOf('packages/core');
    if (!from.startsWith('0.')) return;
    writeFileSync(join(copy, '.changeset', 'next-minor.md'), "---\n'@torchlet/core': minor\n---\n\nA new feature.\n");
    await runOk(process.execPath, [cli, 'version'], { cwd: copy, env: cleanEnv() });
    const [, minor] = from.split('.').map(Number);
    for (const p of PUBLISHED) expect(versionOf(`packages/${p}`), p).toBe(`0.${minor + 1}.0`);
  });
});
