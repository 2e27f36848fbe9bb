// Shared by the release checks: the repository's layout, child processes, and pnpm.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The repository root (ends with a slash). */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The published packages, by directory under packages/. */
export const PUBLISHED = ['core', 'nn', 'optim'] as const;

const require = createRequire(import.meta.url);
/** Resolves a file of a workspace devDependency (typescript, @changesets/cli, ...). */
export const resolveFromRoot = (id: string) => require.resolve(id, { paths: [root] });

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; resolves with its exit code and output (never rejects on a non-zero exit). */
export function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (opts.input !== undefined) child.stdin!.on('error', () => {}).end(opts.input);
  });
}

/** Like `run`, but throws with the command's output when it exits non-zero. */
export async function runOk(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd}) exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * The environment without what a package manager running this test injects (npm_config_*,
 * npm_package_*, pnpm's variables), so a child npm sees only its own defaults.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|INIT_CWD$|TURBO_|VITEST|NODE_OPTIONS$)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/**
 * How to call the repository's pnpm: the one running this test when there is one (turbo runs
 * tasks through it), else the version the root package.json pins, through npx.
 */
export function pnpmCommand(): [string, string[]] {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/.test(execpath)) return [process.execPath, [execpath]];
  const pm = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).packageManager as string;
  return ['npx', ['--yes', pm]];
}
