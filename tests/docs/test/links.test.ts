// Relative links in every Markdown file of the repository resolve: the file or directory exists,
// and a `#fragment` names a heading (GitHub's anchors) or an HTML id of the target.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, markdownFiles, prose, read, root } from './markdown.js';

/** Link targets of a Markdown text, with their line numbers: inline, reference definitions, HTML. */
function links(md: string): { target: string; line: number }[] {
  const text = prose(md);
  const found: { target: string; line: number }[] = [];
  const at = (index: number) => text.slice(0, index).split('\n').length;
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) found.push({ target: m[1], line: at(m.index!) });
  for (const m of text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) found.push({ target: m[1], line: at(m.index!) });
  for (const m of text.matchAll(/<(?:a|img)\s[^>]*?(?:href|src)="([^"]+)"/g)) found.push({ target: m[1], line: at(m.index!) });
  return found;
}

const external = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;
const files = markdownFiles();

describe('Markdown links', () => {
  it('finds the repository\'s Markdown files', () => {
    for (const f of ['README.md', 'README.ja.md', 'packages/core/README.md', '.changeset/README.md']) expect(files).toContain(f);
  });

  it.each(files)('%s: relative links resolve', (file) => {
    const md = read(file);
    const broken: string[] = [];
    for (const { target, line } of links(md)) {
      if (external.test(target)) continue;
      const [pathPart, fragment] = target.split('#', 2) as [string, string | undefined];
      const path = decodeURIComponent(pathPart);
      const resolved = path === '' ? join(root, file) : normalize(join(root, dirname(file), path));
      if (path.startsWith('/') || relative(root, resolved).startsWith('..')) {
        broken.push(`${file}:${line}: ${target} (outside the repository)`);
        continue;
      }
      if (!existsSync(resolved)) {
        broken.push(`${file}:${line}: ${target} (no such file)`);
        continue;
      }
      if (fragment && resolved.endsWith('.md') && statSync(resolved).isFile()) {
        const target_ = relative(root, resolved);
        if (!anchors(read(target_)).has(decodeURIComponent(fragment))) broken.push(`${file}:${line}: ${target} (no heading #${fragment} in ${target_})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
