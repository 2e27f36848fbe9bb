// The API reference: TypeDoc (docs/typedoc.json, the same as `pnpm run docs`) builds it from the
// packages' TSDoc into a temporary directory with no warning at all (treatWarningsAsErrors: a
// public export without a doc comment, an unresolved {@link} or a missing source link fails the
// build), every entry point gets its page, and every internal link of the generated HTML
// resolves to a file and, with a #fragment, to an id in it.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './markdown.js';

const require = createRequire(import.meta.url);
let out = '';
let build = { code: 0, log: '', ms: 0 };

/**
 * hierarchy.html lists the roots statically and expands subtypes in the browser
 * (assets/hierarchy.js), so a subtype's "view full hierarchy" link names an id that only exists
 * then: accept it when it is the linking page's own reflection (`#@torchlet/optim.SGDState` from
 * `_torchlet_optim.SGDState.html`).
 */
function hierarchyEntryOf(page: string, file: string, fragment: string): boolean {
  return basename(file) === 'hierarchy.html' && basename(page, '.html') === decodeURIComponent(fragment).replace(/[@/]/g, '_');
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? htmlFiles(p) : name.endsWith('.html') ? [p] : [];
  });
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'torchlet-api-docs-'));
  const pkg = require.resolve('typedoc/package.json', { paths: [root] });
  const bin = join(dirname(pkg), JSON.parse(readFileSync(pkg, 'utf8')).bin.typedoc);
  const start = Date.now();
  build = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--options', 'docs/typedoc.json', '--out', out], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (log += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, log, ms: Date.now() - start }));
  });
}, 120_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('API reference (TypeDoc)', () => {
  it('builds with no warnings', () => {
    expect(build.code, build.log).toBe(0);
    expect(build.log).not.toMatch(/\[warning\]|\[error\]/);
  });

  it('has a page for every entry point', () => {
    const modules = readdirSync(join(out, 'modules'));
    for (const name of ['_torchlet_core.html', '_torchlet_core_testing.html', '_torchlet_nn.html', '_torchlet_nn_node.html', '_torchlet_optim.html']) {
      expect(modules).toContain(name);
    }
    // Cross-package types link across: nn's Parameter extends core's Tensor page.
    expect(readFileSync(join(out, 'classes/_torchlet_nn.Parameter.html'), 'utf8')).toContain('_torchlet_core.Tensor.html');
  });

  it('every internal link of the generated HTML resolves', () => {
    const pages = htmlFiles(out);
    const ids = new Map<string, Set<string>>();
    const idsOf = (file: string) => {
      let set = ids.get(file);
      if (!set) {
        set = new Set([...readFileSync(file, 'utf8').matchAll(/\s(?:id|name)="([^"]+)"/g)].map((m) => m[1]));
        ids.set(file, set);
      }
      return set;
    };
    const broken: string[] = [];
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
        const target = m[1].replace(/&amp;/g, '&');
        if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(target) || target === '') continue;
        const [path, fragment] = target.split('#', 2) as [string, string | undefined];
        const file = path === '' ? page : join(dirname(page), decodeURIComponent(path.split('?')[0]));
        let ok = false;
        try {
          ok = statSync(file).isFile();
        } catch {
          ok = false;
        }
        if (!ok) broken.push(`${relative(out, page)}: ${target} (no file)`);
        else if (fragment && file.endsWith('.html') && !idsOf(file).has(decodeURIComponent(fragment)) && !hierarchyEntryOf(page, file, fragment)) {
          broken.push(`${relative(out, page)}: ${target} (no #${fragment})`);
        }
      }
    }
    expect(pages.length).toBeGreaterThan(100);
    expect(broken.slice(0, 20)).toEqual([]);
  });
});
