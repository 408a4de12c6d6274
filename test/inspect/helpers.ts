// Shared by the inspect tests: fixture trees in temporary directories,
// inspections, real runs, and the CLI.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuildout, type RunReport } from '../../executor/run.ts';
import { inspectProfile, type Inspection } from '../../inspect/model.ts';
import type { Plan } from '../../inspect/plan.ts';
import type { SemanticsMode } from '../../profile/semantics.ts';
import type { Assignment } from '../../profile/assemble.ts';
import type { RecipeRegistry } from '../../recipes/registry.ts';
import { repositoryRoot } from '../helpers/paths.ts';

export const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');

/** A copy of fixtures/inspect/NAME in a temporary directory. */
export async function withFixture<T>(name: string, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-inspect-'));
  try {
    cpSync(join(repositoryRoot(), 'fixtures', 'inspect', name), dir, { recursive: true });
    return await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Load {
  semantics?: SemanticsMode;
  assignments?: Assignment[];
  config?: string;
  /** A custom registry, and the recipes of it whose constructors inspection may run. */
  registry?: RecipeRegistry;
  safeInit?: string[];
}

export function inspectIn(dir: string, o: Load = {}): Promise<Inspection> {
  return inspectProfile({
    config: join(dir, o.config ?? 'buildout.cfg'),
    cwd: dir,
    userDefaults: false,
    executable: '/usr/bin/python3',
    env: { python: '3.11' },
    ...(o.semantics ? { semantics: o.semantics } : {}),
    ...(o.assignments ? { assignments: o.assignments } : {}),
    ...(o.registry ? { registry: o.registry } : {}),
    ...(o.safeInit ? { safeInit: o.safeInit } : {}),
  });
}

export function runIn(dir: string, o: Load = {}): Promise<RunReport> {
  return runBuildout({
    config: join(dir, o.config ?? 'buildout.cfg'),
    cwd: dir,
    userDefaults: false,
    executable: '/usr/bin/python3',
    env: { python: '3.11' },
    ...(o.semantics ? { semantics: o.semantics } : {}),
    ...(o.registry ? { registry: o.registry } : {}),
    logger: { info: () => undefined, warning: () => undefined, debug: () => undefined },
  });
}

/** What a run should report, according to a plan. */
export function expectedRun(p: Plan): { uninstalled: string[]; installed: string[]; updated: string[] } {
  return {
    uninstalled: p.items.filter((i) => i.action === 'uninstall' || i.action === 'reinstall').map((i) => i.part).sort(),
    installed: p.items.filter((i) => i.action === 'install' || i.action === 'reinstall').map((i) => i.part),
    updated: p.items.filter((i) => (i.action === 'update' || i.action === 'unchanged') && !i.reasons.some((r) => r.kind === 'kept')).map((i) => i.part),
  };
}

export function actualRun(r: RunReport): { uninstalled: string[]; installed: string[]; updated: string[] } {
  return { uninstalled: r.uninstalled.map((u) => u.part).sort(), installed: r.installed, updated: r.updated };
}

export function append(dir: string, file: string, text: string): void {
  writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8') + text);
}

/** The command line in `dir` (`-U`, a fixed Python, and `--env python=3.11` unless `env` is false). */
export function runCli(dir: string, args: string[], env = true): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, '-U', '--python', '/usr/bin/python3', ...(env ? ['--env', 'python=3.11'] : []), ...args], { cwd: dir, encoding: 'utf8' });
}
