// Running a profile in a temporary directory for recipe tests.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBuildout, type RunOptions } from '../../executor/run.ts';
import { readInstalled } from '../../executor/installed.ts';

export interface RunResult {
  report: Awaited<ReturnType<typeof runBuildout>>;
  lines: string[];
  warnings: string[];
}

export async function run(dir: string, extra: Partial<RunOptions> = {}): Promise<RunResult> {
  const lines: string[] = [];
  const warnings: string[] = [];
  const report = await runBuildout({
    config: join(dir, 'buildout.cfg'),
    cwd: dir,
    userDefaults: false,
    executable: '/usr/bin/python3',
    env: { python: '3.11' },
    logger: {
      info: (m) => lines.push(m),
      warning: (m) => {
        lines.push('WARNING ' + m);
        warnings.push(m);
      },
      debug: () => undefined,
    },
    ...extra,
  });
  return { report, lines, warnings };
}

/** Write buildout.cfg (a [buildout] header with `parts` is prepended unless the text has one). */
export function writeProfile(dir: string, text: string): void {
  writeFileSync(join(dir, 'buildout.cfg'), text);
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

export function modeOf(path: string): number {
  return statSync(path).mode & 0o7777;
}

export function mtimeOf(path: string): number {
  return statSync(path).mtimeMs;
}

export function installedOptions(dir: string, part: string): Map<string, string> | undefined {
  return readInstalled(join(dir, '.installed.cfg')).options.get(part);
}

/** A profile: `[buildout] parts = …` then the sections. */
export function profile(parts: string[], sections: string): string {
  return `[buildout]\nparts = ${parts.join(' ')}\n\n${sections}`;
}
