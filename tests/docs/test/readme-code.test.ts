// Every `ts` code block of README.md, README.ja.md and packages/*/README.md runs and exits 0, and
// prints what its comments say it prints (run-blocks.ts has the convention). A block preceded by
// `<!-- not-run -->` is skipped. Blocks that appear in several READMEs (the Japanese README
// repeats the English one's) run once.
import { beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, read, readmesWithExamples } from './markdown.js';
import { type BlockRun, type Instrumented, PRELUDE_LINES, instrument, pool, runModule } from './run-blocks.js';

interface Block {
  code: string;
  where: string[];
  instrumented: Instrumented;
}

const blocks = new Map<string, Block>();
for (const file of readmesWithExamples()) {
  for (const b of codeBlocks(read(file))) {
    if (!['ts', 'typescript'].includes(b.lang) || b.notRun) continue;
    const seen = blocks.get(b.code);
    if (seen) seen.where.push(`${file}:${b.line}`);
    else blocks.set(b.code, { code: b.code, where: [`${file}:${b.line}`], instrumented: instrument(b.code) });
  }
}
const list = [...blocks.values()];
const runs = new Map<Block, BlockRun>();

beforeAll(async () => {
  // One at a time (each is a Node process compiling the packages' sources with tsx; tsx caches
  // the compiled files, so the later ones start faster).
  const results = await pool(list.map((b) => () => runModule(b.instrumented.source)), 1);
  list.forEach((b, i) => runs.set(b, results[i]));
});

describe('README code blocks', () => {
  it('finds the blocks (root seed examples, grad mode, every package)', () => {
    const files = new Set(list.flatMap((b) => b.where.map((w) => w.split(':')[0])));
    for (const f of readmesWithExamples()) expect(files, f).toContain(f);
    expect(list.length).toBeGreaterThanOrEqual(6);
  });

  it.each(list.map((b) => [b.where.join(', '), b] as const))('%s runs and prints what it says', (_, block) => {
    const r = runs.get(block)!;
    const trace = r.stderr.replace(/block\.mts:(\d+)/g, (_m, n: string) => `block line ${Number(n) - PRELUDE_LINES}`);
    expect(r.code, `exit code; stderr:\n${trace}`).toBe(0);
    for (const [id, { line, expected }] of block.instrumented.expectations) {
      const printed = (r.printed[id] ?? []).join('\n');
      expect(printed, `console.log on line ${line} of the block`).toBe(expected);
    }
  });
});
