// Command-line flags. Pure, so the tests can check every rule without running a benchmark.
import { LIBRARIES, selectWorkloads, type Preset } from './plan.js';
import type { PeerId } from './peers/run.js';

export interface Options {
  preset: Preset['name'];
  /** Comma-separated workload names or prefixes, or null for all. */
  filter: string | null;
  compare: boolean;
  /** Extra path for the JSON results. */
  json: string | null;
  /** Write the results table into the root README and the chart + JSON under apps/bench/results/. */
  updateReadme: boolean;
  /** Directory for this run's latest.json and latest.svg (default apps/bench/results). */
  out: string | null;
  /** Internal: run as a peer child process for this library. */
  peer: PeerId | null;
  help: boolean;
}

export const USAGE = `usage: pnpm bench [--full] [--filter <workloads>] [--compare] [--json <file>] [--update-readme]

  (no flag)          quick preset: under a minute for torchlet alone on 2 cores (--compare: ~3.5 min)
  --full             longer warm-up and sampling (3 s per case; ~1.5 min, --compare ~6-7 min)
  --filter <list>    workloads by name or prefix, comma-separated:
                     seed-loop, mlp-inference, train-step, matmul, regression
  --compare          also run TensorFlow.js (cpu, wasm) and PyTorch (/usr/bin/python3) on the same cases
  --json <file>      also write the results as JSON to <file>
  --update-readme    write the results table into README.md (between the bench markers) and the
                     chart + JSON to apps/bench/results/bench.{svg,json}
  --out <dir>        where this run's latest.json and latest.svg go (default apps/bench/results)
  --help             this text`;

/** A bad command line; the message says what was wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const PEER_IDS: readonly string[] = LIBRARIES.filter((l) => l !== 'torchlet');

/** Parses the arguments after `cli.js`. A lone `--` (as pnpm may pass) is ignored. */
export function parseArgs(argv: readonly string[]): Options {
  const o: Options = { preset: 'quick', filter: null, compare: false, json: null, updateReadme: false, out: null, peer: null, help: false };
  const presets = new Set<string>();
  const args = argv.flatMap((a) => (a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--':
        break;
      case '--full':
      case '--quick':
      case '--smoke':
        presets.add(a.slice(2));
        o.preset = a.slice(2) as Preset['name'];
        break;
      case '--filter':
        o.filter = value();
        break;
      case '--compare':
        o.compare = true;
        break;
      case '--json':
        o.json = value();
        break;
      case '--update-readme':
        o.updateReadme = true;
        break;
      case '--out':
        o.out = value();
        break;
      case '--peer': {
        const p = value();
        if (!PEER_IDS.includes(p)) throw new UsageError(`--peer must be one of ${PEER_IDS.join(', ')}, got ${p}`);
        o.peer = p as PeerId;
        break;
      }
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
    }
  }
  if (o.filter !== null) {
    try {
      selectWorkloads(o.filter);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (presets.size > 1) throw new UsageError(`choose one preset, got --${[...presets].join(' and --')}`);
  if (o.updateReadme && (o.preset === 'smoke' || o.filter !== null)) {
    // The README table stands for the whole benchmark; a partial or smoke run must not replace it.
    throw new UsageError('--update-readme needs a complete run: drop --filter (and --smoke)');
  }
  return o;
}
