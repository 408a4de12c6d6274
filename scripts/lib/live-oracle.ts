// Running ../shared/tools/buildout-oracle (the real zc.buildout 2.13) with a
// time limit, its answers cached outside the repository: large SlapOS
// trees take minutes in it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export type OracleAnswer =
  | { status: 'ok'; json: Record<string, unknown> }
  | { status: 'timeout'; seconds: number }
  | { status: 'crash'; stderr: string };

export interface OracleRun {
  oracle: string;
  profile: string;
  flags: string[];
  args: string[];
  timeoutSeconds: number;
  cacheDir: string | null;
  /** Extra text that identifies the inputs (e.g. the corpus commit). */
  salt?: string;
}

export function defaultCacheDir(): string {
  return process.env.TSBUILDOUT_ORACLE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tsbuildout-oracle');
}

function cacheKey(run: Omit<OracleRun, 'timeoutSeconds'>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([run.profile, run.flags, run.args, run.salt ?? '']));
  try {
    h.update(readFileSync(run.profile));
  } catch {
    // missing profile: the oracle's answer says so
  }
  return h.digest('hex');
}

/** The cached answer for this run, without ever running the oracle (undefined: none cached). */
export function cachedOracleAnswer(run: Omit<OracleRun, 'timeoutSeconds'>): OracleAnswer | undefined {
  const key = run.cacheDir ? join(run.cacheDir, cacheKey(run) + '.json') : null;
  return key && existsSync(key) ? (JSON.parse(readFileSync(key, 'utf8')) as OracleAnswer) : undefined;
}

export async function askOracle(run: OracleRun): Promise<OracleAnswer> {
  const cached = cachedOracleAnswer(run);
  if (cached) return cached;
  const key = run.cacheDir ? join(run.cacheDir, cacheKey(run) + '.json') : null;
  const answer = await spawnOracle(run);
  if (key && answer.status !== 'crash') {
    mkdirSync(run.cacheDir!, { recursive: true });
    writeFileSync(key, JSON.stringify(answer));
  }
  return answer;
}

function spawnOracle(run: OracleRun): Promise<OracleAnswer> {
  return new Promise((resolve) => {
    const child = spawn(run.oracle, [...run.flags, run.profile, ...run.args], {
      cwd: dirname(run.profile),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), run.timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return resolve({ status: 'timeout', seconds: run.timeoutSeconds });
      try {
        resolve({ status: 'ok', json: JSON.parse(stdout) as Record<string, unknown> });
      } catch {
        resolve({ status: 'crash', stderr: `exit ${code}: ${stderr.slice(-2000)}` });
      }
    });
  });
}

/** The oracle reports errors as `ExceptionClass: message`; tsbuildout reports the message. */
export function oracleMessage(error: string): { kind: string; message: string } {
  const m = /^([A-Za-z_][A-Za-z0-9_.]*): ([\s\S]*)$/.exec(error);
  return m ? { kind: m[1]!, message: m[2]! } : { kind: '', message: error };
}
