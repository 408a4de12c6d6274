// What the server lints with: the semantics, the target environment, the
// rule settings and the Python interpreter. Defaults (`slapos`), then the
// `[tsbuildout]` section of `tsbuildout.cfg` at the workspace's root, then
// the editor's settings (`tsbuildout.semantics`, `.env`, `.rules`,
// `.python`), each overriding the one before. A bad value is reported and
// ignored: the server keeps running with the others.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSections } from '../parser/sections.ts';
import { parseProfileNow } from '../profile/parse-cache.ts';
import { parseEnvOverrides, type EnvKey } from '../profile/environment.ts';
import { isMode, type SemanticsMode } from '../profile/semantics.ts';
import { parseRuleSettings } from '../lint/rules/index.ts';
import type { RuleSetting } from '../lint/types.ts';

export interface Settings {
  semantics: SemanticsMode;
  env: Partial<Record<EnvKey, string>>;
  rules: Record<string, RuleSetting>;
  python: string;
}

/** The settings as an editor or the config file writes them: strings, or an object for env and rules. */
export interface RawSettings {
  semantics?: unknown;
  env?: unknown;
  rules?: unknown;
  python?: unknown;
}

export const CONFIG_FILE = 'tsbuildout.cfg';

/** The `[tsbuildout]` section of `tsbuildout.cfg` in a folder, if there is one. */
export function readConfigFile(folder: string): RawSettings | undefined {
  let text: string;
  try {
    text = readFileSync(join(folder, CONFIG_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const path = join(folder, CONFIG_FILE);
  const section = readSections(parseProfileNow(text, path), { repeatedKeys: 'overwrite', condition: () => true }).sections.get('tsbuildout');
  if (!section) return undefined;
  const out: Record<string, string> = {};
  for (const [k, o] of section.options) out[k] = o.value;
  return out;
}

/** Apply raw settings over `base`; problems are returned, the valid values kept. */
export function applySettings(base: Settings, raw: RawSettings | undefined, from: string): { settings: Settings; problems: string[] } {
  const s: Settings = { ...base, env: { ...base.env }, rules: { ...base.rules } };
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object') return { settings: s, problems };
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);
  const pairs = (v: unknown): string | undefined =>
    typeof v === 'string' ? v.replace(/\n/g, ',') : v && typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k}=${String(x)}`).join(',') : undefined;
  const sem = text(raw.semantics);
  if (sem) {
    if (isMode(sem)) s.semantics = sem;
    else problems.push(`${from}: semantics: expected slapos, buildout2 or upstream, got '${sem}'`);
  }
  const env = pairs(raw.env);
  if (env) {
    try {
      Object.assign(s.env, parseEnvOverrides([env]));
    } catch (e) {
      problems.push(`${from}: env: ${(e as Error).message.replace(/^--env: /, '')}`);
    }
  }
  const rules = pairs(raw.rules);
  if (rules) {
    try {
      parseRuleSettings(rules, s.rules);
    } catch (e) {
      problems.push(`${from}: rules: ${(e as Error).message.replace(/^--rule:? ?/, '')}`);
    }
  }
  const python = text(raw.python);
  if (python) s.python = python;
  return { settings: s, problems };
}
