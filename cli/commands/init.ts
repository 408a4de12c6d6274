// `init [REQUIREMENT|PATH …]`: zc.buildout's init command (buildout.py
// Buildout._init_config, Buildout.init): writes the configuration file,
// which must not exist yet, then bootstraps; with arguments the file has a
// `py` part (zc.recipe.egg: an interpreter with those eggs, and paths
// as extra-paths, their directories created) and the buildout is installed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BuildoutError } from '../../parser/diagnostic.ts';
import { strRepr } from '../../python/index.ts';
import type { CommandContext } from '../context.ts';
import { bootstrapCommand } from './bootstrap.ts';
import { installCommand } from './install.ts';

export async function initCommand(ctx: CommandContext): Promise<number> {
  const config = resolve(ctx.cwd, ctx.load.config ?? 'buildout.cfg');
  // raised while zc.buildout initialises
  if (existsSync(config)) throw new BuildoutError({ severity: 'error', rule: 'init', message: `${strRepr(config)} already exists.`, doing: ['Initializing.'] });
  const args = ctx.args.args;
  ctx.out(`Creating ${strRepr(config)}.`);
  writeFileSync(config, initialConfig(args));
  for (const p of args.filter(isPath)) if (!existsSync(resolve(ctx.cwd, p))) mkdirSync(resolve(ctx.cwd, p));
  const code = await bootstrapCommand({ ...ctx, load: { ...ctx.load, config } });
  if (code || !args.length) return code;
  return installCommand({ ...ctx, args: { ...ctx.args, args: [] }, load: { ...ctx.load, config } });
}

function isPath(a: string): boolean {
  return /[\\/]/.test(a);
}

export function initialConfig(args: string[]): string {
  if (!args.length) return '[buildout]\nparts =\n';
  const eggs = args.filter((a) => !isPath(a));
  const paths = args.filter(isPath).map((a) => a.replace(/\\/g, '/'));
  let text = '[buildout]\nparts = py\n\n[py]\nrecipe = zc.recipe.egg\ninterpreter = py\neggs =\n';
  if (eggs.length) text += `  ${eggs.join('\n  ')}\n`;
  if (paths.length) text += `extra-paths =\n  ${paths.join('\n  ')}\n`;
  return text;
}
