// The results table in the root README, kept current by `pnpm bench --update-readme`. Only the
// text between the markers is ever replaced; the rest of the README is the project's.
import { markdownTable } from './table.js';
import { environmentLine, gradOffTable, libraryTable, peerTable } from './tables.js';
import type { BenchReport } from './json.js';

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';
const HEADING = '## Benchmark results';

/**
 * Puts `body` between the markers. Where the markers are missing they are added under a
 * "## Benchmark results" heading (created at the end if absent). Throws on a broken marker pair
 * rather than guess which text is the project's.
 */
export function replaceBetweenMarkers(readme: string, body: string): string {
  const block = `${START}\n${body.trim()}\n${END}`;
  const s = readme.indexOf(START);
  const e = readme.indexOf(END);
  if (s >= 0 && e > s) {
    if (readme.indexOf(START, s + 1) >= 0 || readme.indexOf(END, e + 1) >= 0) throw new Error('README has more than one bench marker pair');
    return readme.slice(0, s) + block + readme.slice(e + END.length);
  }
  if (s >= 0 || e >= 0) throw new Error(`README has only one of ${START} / ${END}; fix it by hand`);
  const h = readme.split('\n').findIndex((line) => line.trim() === HEADING);
  if (h >= 0) {
    const lines = readme.split('\n');
    lines.splice(h + 1, 0, '', block);
    return lines.join('\n');
  }
  return `${readme.replace(/\n*$/, '\n')}\n${HEADING}\n\n${block}\n`;
}

/** The README section: environment, headline table, peers, libraries, links to chart and JSON. */
export function readmeSection(report: BenchReport, chartPath: string, jsonPath: string): string {
  const peers = peerTable(report);
  const command = ['pnpm bench', report.preset === 'full' ? '--full' : '', report.compare ? '--compare' : '', '--update-readme'].filter(Boolean).join(' ');
  return [
    `Measured by \`${command}\` (${environmentLine(report)}). Method and how to read it: [apps/bench](apps/bench/README.md).`,
    '',
    `![benchmark chart](${chartPath})`,
    '',
    markdownTable(gradOffTable(report)),
    '',
    ...(peers ? [markdownTable(peers), ''] : []),
    markdownTable(libraryTable(report)),
    '',
    `All figures (min, max, percentiles, samples, memory per case): [${jsonPath}](${jsonPath}).`,
  ].join('\n');
}
