// What every command gets: the parsed arguments and how to load the profile.
import type { CliArgs } from './args.ts';
import type { LoadOptions } from '../profile/load.ts';

export interface CommandContext {
  args: CliArgs;
  cwd: string;
  load: LoadOptions;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** JSON as zc.buildout's oracle prints it: sorted keys, one-space indent. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 1);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
