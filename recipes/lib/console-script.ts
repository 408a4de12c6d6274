// The script zc.buildout's easy_install.scripts writes for an entry point
// (what slapos.cookbook's createPythonScript and the old BaseSlapRecipe
// write): the interpreter, the working set on sys.path, then
// `sys.exit(module.function(arguments))`.
import { existsSync } from 'node:fs';
import { strRepr } from '../../python/index.ts';
import type { BuildoutView } from '../api.ts';
import { markerEnvironment } from '../../profile/conditions.ts';
import { TargetEnvironment } from '../../profile/environment.ts';
import { createExecutable } from './files.ts';
import { workingSet } from './working-set.ts';

export interface ConsoleScript {
  /** The interpreter (buildout's executable). */
  python: string;
  /** The sys.path entries. */
  paths: readonly string[];
  /** `module.function`. */
  entry: string;
  /** The arguments, as Python source. */
  arguments: string;
}

export function consoleScriptText(s: ConsoleScript): string {
  const dot = s.entry.lastIndexOf('.');
  const module = s.entry.slice(0, dot);
  return `#!${s.python}\n\nimport sys\nsys.path[0:0] = [\n${s.paths.map((p) => `  ${strRepr(p)},\n`).join('')}  ]\n\nimport ${module}\n\nif __name__ == '__main__':\n    sys.exit(${s.entry}(${s.arguments}))\n`;
}

/**
 * The sys.path entries for `eggs`: their working set (markers decided for
 * `executable`) over the two directories, none when neither exists.
 */
export function eggSysPath(eggs: readonly string[], developEggs: string, eggsDirectory: string, executable: string): string[] {
  if (!developEggs || !eggsDirectory || !(existsSync(developEggs) || existsSync(eggsDirectory))) return [];
  let env: Record<string, string> | undefined;
  return workingSet(eggs, developEggs, eggsDirectory, () => (env ??= markerEnvironment(new TargetEnvironment(executable))));
}

/**
 * The interpreter and the working set of `eggs` over the run's develop-eggs
 * and eggs directories (empty when neither exists), read at init.
 */
export function consoleScriptEnvironment(buildout: BuildoutView, eggs: readonly string[]): { python: string; paths: () => string[] } {
  const b = buildout.section('buildout');
  const developEggs = b.get('develop-eggs-directory') ?? '';
  const eggsDirectory = b.get('eggs-directory') ?? '';
  const python = b.get('executable') || 'python3';
  return {
    python,
    paths: () => eggSysPath(eggs, developEggs, eggsDirectory, python),
  };
}

/** Write the script (mode 0755, as easy_install); returns its path. */
export function createConsoleScript(path: string, s: ConsoleScript): string {
  return createExecutable(path, consoleScriptText(s), 0o755);
}
