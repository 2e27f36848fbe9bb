// Runs the READMEs' `ts` code blocks as a user would (tsx, importing @torchlet/* by name; the
// names resolve to the sources through tsconfig.blocks.json) and records what each asserted
// `console.log` printed.
//
// The convention, in the docs: a `console.log(...)` line ending in `// text` must print exactly
// `text`; a `console.log(...)` line followed by comment-only lines must print those lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import { root } from './markdown.js';

export interface Expectation {
  /** 1-based line in the block. */
  line: number;
  expected: string;
}

export interface Instrumented {
  source: string;
  expectations: Map<number, Expectation>;
}

const LOG_LINE = /^(\s*)console\.log\((.*?)\);\s*(?:\/\/\s?(.*))?$/;

/** Rewrites the asserted `console.log` lines to record their output, and collects what they must print. */
export function instrument(code: string): Instrumented {
  const lines = code.split('\n');
  const expectations = new Map<number, Expectation>();
  for (let i = 0; i < lines.length; i++) {
    const m = LOG_LINE.exec(lines[i]);
    if (!m) continue;
    let expected: string | undefined = m[3]?.trimEnd();
    if (expected === undefined) {
      const follow: string[] = [];
      for (let j = i + 1; j < lines.length && /^\s*\/\/( |$)/.test(lines[j]); j++) follow.push(lines[j].replace(/^\s*\/\/ ?/, ''));
      if (follow.length > 0) expected = follow.join('\n');
    }
    if (expected === undefined) continue;
    expectations.set(i, { line: i + 1, expected });
    lines[i] = `${m[1]}__docLog(${i}, ${m[2]});`;
  }
  const prelude =
    "import { format as __format } from 'node:util';\n" +
    "import { writeFileSync as __writeFileSync } from 'node:fs';\n" +
    'const __docOut: Record<number, string[]> = {};\n' +
    'function __docLog(id: number, ...args: unknown[]): void { const s = __format(...args); (__docOut[id] ??= []).push(s); console.log(s); }\n' +
    "process.on('exit', () => __writeFileSync(process.env.DOC_OUT!, JSON.stringify(__docOut)));\n";
  // The prelude's line count is known, so errors can be mapped back to block lines.
  return { source: prelude + lines.join('\n'), expectations };
}

export const PRELUDE_LINES = 5;

export interface BlockRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Per instrumented line (0-based in the block), what each call printed. */
  printed: Record<number, string[]>;
}

const require = createRequire(import.meta.url);
const tsx = pathToFileURL(require.resolve('tsx', { paths: [root] })).href;
const tsconfig = join(root, 'tests/docs/tsconfig.blocks.json');

/** Runs a TypeScript module's source with tsx in a temporary directory. */
export function runModule(source: string, name = 'block.mts'): Promise<BlockRun> {
  const dir = mkdtempSync(join(tmpdir(), 'torchlet-docs-'));
  const file = join(dir, name), out = join(dir, 'out.json');
  writeFileSync(file, source);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, file], {
      cwd: dir,
      env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig, DOC_OUT: out, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let printed: Record<number, string[]> = {};
      try {
        printed = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        // no output file: the run failed before exit; the code and stderr say why
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? 1, stdout, stderr, printed });
    });
  });
}

/** Runs `tasks` with at most `limit` at a time. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
