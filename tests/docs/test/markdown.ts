// Reading the repository's Markdown: which files, their code blocks, code spans and headings.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (ends with a slash). */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

export const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

/** The READMEs whose `ts` blocks must run: the root's two and every package's. */
export function readmesWithExamples(): string[] {
  const pkgs = readdirSync(join(root, 'packages')).filter((d) => existsSync(join(root, 'packages', d, 'README.md')));
  return ['README.md', 'README.ja.md', ...pkgs.map((d) => `packages/${d}/README.md`)];
}

/** Every Markdown file of the repository: tracked or new, not ignored (git), else a walk. */
export function markdownFiles(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.md'], { cwd: root, encoding: 'utf8' });
    return [...new Set(out.split('\n').filter(Boolean))].filter((f) => existsSync(join(root, f))).sort();
  } catch {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (['node_modules', '.git', 'dist', '.turbo', 'api'].includes(name)) continue;
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.md')) found.push(relative(root, p));
      }
    };
    walk(root);
    return found.sort();
  }
}

export interface CodeBlock {
  /** The info string's first word: `ts`, `sh`, ... */
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** Marked `<!-- not-run -->` on the nearest non-blank line above. */
  notRun: boolean;
}

/** The fenced code blocks of a Markdown text, in order. */
export function codeBlocks(md: string): CodeBlock[] {
  const lines = md.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) j++;
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    blocks.push({ lang: open[3], code: lines.slice(i + 1, j).join('\n') + '\n', line: i + 1, notRun: k >= 0 && /<!--\s*not-run\s*-->/.test(lines[k]) });
    i = j;
  }
  return blocks;
}

/** The text with fenced code blocks blanked (line numbers kept). */
export function withoutFences(md: string): string {
  return md.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm, (m) => m.replace(/[^\n]/g, ''));
}

/** The text with fenced code blocks blanked and inline code emptied: where links can be. */
export function prose(md: string): string {
  return withoutFences(md).replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, '``');
}

/** The inline code spans of a Markdown text (outside fenced blocks). */
export function codeSpans(md: string): string[] {
  const text = md.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm, '');
  return [...text.matchAll(/(`+)((?:(?!\1)[\s\S])+?)\1/g)].map((m) => m[2].trim());
}

/** The text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function section(md: string, name: string): string {
  const start = md.indexOf(`<!-- ${name}:start -->`), end = md.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start) throw new Error(`no <!-- ${name}:start --> ... <!-- ${name}:end --> section`);
  return md.slice(start, end);
}

/** The cells of a Markdown table row (`| a | b |`), or null for a line that is not a row. */
export function tableCells(line: string): string[] | null {
  if (!/^\s*\|.*\|\s*$/.test(line)) return null;
  // Split on pipes outside code spans; `\|` is an escaped pipe.
  const cells: string[] = [];
  let cur = '', inCode = false;
  const body = line.trim().slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && body[i + 1] === '|') { cur += '|'; i++; continue; }
    if (c === '`') inCode = !inCode;
    if (c === '|' && !inCode) { cells.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  cells.push(cur.trim());
  return cells;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors a Markdown file defines: its headings' slugs (deduplicated as GitHub does) and HTML ids. */
export function anchors(md: string): Set<string> {
  const out = new Set<string>();
  const counts = new Map<string, number>();
  for (const m of withoutFences(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of md.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]);
  return out;
}
