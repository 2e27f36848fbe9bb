import { describe, expect, it } from 'vitest';
import { END, readmeSection, replaceBetweenMarkers, START } from '../src/report/readme.js';
import { library, result, sampleReport } from './fixtures.js';

describe('README table replacement', () => {
  it('replaces only the text between the markers', () => {
    const before = `# t\n\nintro\n\n## Benchmark results\n\n${START}\nold table\n${END}\n\n## After\nkept\n`;
    const after = replaceBetweenMarkers(before, 'new table\n');
    expect(after).toBe(`# t\n\nintro\n\n## Benchmark results\n\n${START}\nnew table\n${END}\n\n## After\nkept\n`);
    expect(replaceBetweenMarkers(after, 'new table')).toBe(after); // idempotent
  });

  it('adds the markers under an existing heading', () => {
    expect(replaceBetweenMarkers('# t\n## Benchmark results\n## Next\n', 'x')).toBe(`# t\n## Benchmark results\n\n${START}\nx\n${END}\n## Next\n`);
  });

  it('adds heading and markers at the end when both are missing', () => {
    expect(replaceBetweenMarkers('# t\n\ntext\n\n', 'x')).toBe(`# t\n\ntext\n\n## Benchmark results\n\n${START}\nx\n${END}\n`);
  });

  it('never guesses around broken markers', () => {
    expect(() => replaceBetweenMarkers(`a ${START} b`, 'x')).toThrow('only one of');
    expect(() => replaceBetweenMarkers(`${END} a ${START}`, 'x')).toThrow('only one of');
    expect(() => replaceBetweenMarkers(`${START}${END}${START}${END}`, 'x')).toThrow('more than one');
  });

  it('writes a section with the command, the chart, the tables and the JSON link', () => {
    const report = sampleReport(
      [result('torchlet', 'seed-loop/forward/grad', 4, { processBytes: 4096, tensorBytes: 8 }), result('torchlet', 'seed-loop/forward/noGrad', 1, { processBytes: 1024, tensorBytes: 4 }), result('pytorch', 'seed-loop/forward/noGrad', 2)],
      [library('torchlet'), library('pytorch')],
    );
    const s = readmeSection(report, 'apps/bench/results/bench.svg', 'apps/bench/results/bench.json');
    expect(s).toContain('`pnpm bench --compare --update-readme`');
    expect(s).toContain('![benchmark chart](apps/bench/results/bench.svg)');
    expect(s).toContain('| torchlet | seed-loop | forward | 4.000 ms ±');
    expect(s).toContain('| 0.25× |');
    expect(s).toContain('| seed-loop | forward | noGrad | 1.000 ms | 2.000 ms (2.00×) |');
    expect(s).toContain('[apps/bench/results/bench.json](apps/bench/results/bench.json)');
  });
});
