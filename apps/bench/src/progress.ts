// The progress line. On a terminal one line is redrawn in place; elsewhere (CI logs, pipes) each
// finished case is printed once, so the log still tells what ran and how long it took.
import { workloadLabel, type CaseSpec, type LibraryId } from './plan.js';
import { medianOf, type CaseResult } from './results.js';
import { formatMs } from './report/table.js';

export class ProgressLine {
  private done = 0;
  private readonly started = Date.now();
  private readonly tty: boolean;

  constructor(
    private total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  /** A case (or its memory measurement) has started. */
  step(library: LibraryId, c: CaseSpec, stage: 'time' | 'memory'): void {
    if (this.tty) this.draw(`${library} · ${workloadLabel(c)} · ${c.phase} · ${c.mode} · ${stage === 'time' ? 'timing' : 'memory'}`);
  }

  /** A case has finished. */
  finished(r: CaseResult): void {
    this.done++;
    const line = `${r.library} · ${workloadLabel(r)} · ${r.phase} · ${r.mode}: ${formatMs(medianOf(r))}${r.derived ? ' (derived)' : ''}`;
    if (this.tty) this.draw(line);
    else this.out.write(`${this.prefix()} ${line}\n`);
  }

  /** Something that is not a case (a peer starting, a peer skipped). */
  note(message: string): void {
    if (this.tty) this.draw(message);
    else this.out.write(`${this.prefix()} ${message}\n`);
  }

  /** Cases that will not run after all (a skipped peer) leave the total. */
  drop(n: number): void {
    this.total -= n;
  }

  /** Clears the line before the report is printed. */
  end(): void {
    if (this.tty) this.out.write('\r\x1b[2K');
  }

  private prefix(): string {
    const s = Math.round((Date.now() - this.started) / 1000);
    const width = String(this.total).length;
    return `[${String(this.done).padStart(width)}/${this.total} ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}]`;
  }

  private draw(text: string): void {
    const line = `${this.prefix()} ${text}`;
    const cols = this.out.columns || 120;
    this.out.write(`\r\x1b[2K${line.length > cols - 1 ? `${line.slice(0, cols - 2)}…` : line}`);
  }
}
