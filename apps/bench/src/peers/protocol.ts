// Peers run in their own process (a fresh V8 heap or a Python interpreter each), so no library's
// garbage, JIT state or WebAssembly heap leaks into another's figures. The parent writes one
// request as JSON to the child's stdin; the child answers with JSON lines on file descriptor 3,
// leaving stdout and stderr free for whatever the library itself prints (tfjs prints a banner).
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import type { Retained, TimeBudget } from '../measure.js';
import type { CaseSpec, LibraryId } from '../plan.js';
import type { CaseResult, LibraryInfo } from '../results.js';

/** What the parent asks a peer to measure. */
export interface PeerRequest {
  library: LibraryId;
  cases: CaseSpec[];
  budget: TimeBudget;
}

export type PeerMessage =
  | { type: 'library'; info: LibraryInfo }
  | { type: 'progress'; caseId: string; stage: 'time' | 'memory' }
  | { type: 'result'; result: CaseResult }
  /** The Python peer sends raw samples; the parent summarises them like every other library's. */
  | { type: 'samples'; caseId: string; samples: number[]; memory: Retained | null; check: number | null }
  /** The peer failed; sent before it exits non-zero, so the report can say why. */
  | { type: 'error'; message: string }
  | { type: 'done' };

/** Sends one message to the parent (child side). */
export function emit(msg: PeerMessage): void {
  writeSync(3, `${JSON.stringify(msg)}\n`);
}

/** How a peer process ended. */
export interface PeerExit {
  code: number | null;
  /** The tail of what the child printed, for error reports. */
  output: string;
  /** Whether the child sent `done`. */
  done: boolean;
  /** Set when the program could not be started at all (e.g. no python3). */
  spawnError: string | null;
}

/** Runs a peer process, feeding it `request` and passing each message to `onMessage`. */
export function runPeer(command: string, args: string[], request: PeerRequest, onMessage: (m: PeerMessage) => void): Promise<PeerExit> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    let output = '';
    let buffered = '';
    let done = false;
    let spawnError: string | null = null;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const channel = child.stdio[3] as NodeJS.ReadableStream;
    channel.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim() === '') continue;
        const msg = JSON.parse(line) as PeerMessage;
        if (msg.type === 'done') done = true;
        onMessage(msg);
      }
    });
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.stdin!.on('error', () => {}); // a child that fails to start closes stdin early; its exit says why
    child.stdin!.end(JSON.stringify(request));
    child.on('close', (code) => resolve({ code, output, done, spawnError }));
  });
}

/** The last lines a failed child printed, on one line. */
export function lastLines(output: string, n = 3): string {
  return output.trim().split('\n').slice(-n).join(' / ');
}
