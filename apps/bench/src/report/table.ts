// Units and plain-text / Markdown tables for the report.

/** Milliseconds with a unit that keeps 3 significant digits. */
export function formatMs(ms: number): string {
  const a = Math.abs(ms);
  if (a < 1e-3) return `${(ms * 1e6).toFixed(1)} ns`;
  if (a < 1) return `${(ms * 1e3).toFixed(2)} µs`;
  if (a < 1000) return `${ms.toFixed(3)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Bytes in B, KiB or MiB (negative growth shown as such). */
export function formatBytes(b: number | null | undefined): string {
  if (b === null || b === undefined) return '–';
  const a = Math.abs(b);
  if (a < 1024) return `${Math.round(b)} B`;
  if (a < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${(b / 1024 / 1024).toFixed(2)} MiB`;
}

/** A ratio as `0.52×`; more decimals for small ones so they do not all read 0.00×. */
export function formatRatio(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '–';
  const digits = Math.abs(r) < 0.1 ? 3 : Math.abs(r) < 10 ? 2 : 1;
  return `${r.toFixed(digits)}×`;
}

/** A percentage with one decimal. */
export function formatPct(p: number): string {
  return `${p.toFixed(1)}%`;
}

/** A table before rendering: the same model is printed as text and written as Markdown. */
export interface TableModel {
  title: string;
  header: string[];
  rows: string[][];
  /** Lines printed under the table (legend, footnotes). */
  notes?: string[];
}

/** A left-aligned text table with a header rule. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A titled text table with its notes. */
export function textTable(t: TableModel): string {
  return [t.title, '', table(t.header, t.rows), ...(t.notes?.length ? ['', ...t.notes] : [])].join('\n');
}

/** A GitHub-flavoured Markdown table (pipes in cells escaped). */
export function markdownTable(t: TableModel): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const line = (cells: string[]) => `| ${cells.map(esc).join(' | ')} |`;
  return [
    `**${t.title}**`,
    '',
    line(t.header),
    `|${t.header.map(() => '---').join('|')}|`,
    ...t.rows.map(line),
    ...(t.notes?.length ? ['', t.notes.join('\n\n')] : []), // one paragraph per note
  ].join('\n');
}
