// .installed.cfg: what the last run installed, in buildout's format
// (spec §6.2), so zc.buildout reads what tsbuildout writes and the other
// way round. Whitespace that the parser would lose is written as
// %(__buildout_space…)s tokens. Written the SlapOS fork's way: one
// [buildout] section, atomically (temporary file, fsync, rename), and only
// when the content changes.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { BuildoutError } from '../parser/diagnostic.ts';
import { parseProfile } from '../parser/parse.ts';
import { readSections } from '../parser/sections.ts';
import { decode } from '../profile/files.ts';
import { comparePy } from '../profile/merge.ts';

export interface InstalledState {
  /** Parts in recorded order. */
  parts: string[];
  installedDevelopEggs: string;
  /** The saved options of each part, with __buildout_installed__ and __buildout_signature__. */
  options: Map<string, Map<string, string>>;
}

export function emptyState(): InstalledState {
  return { parts: [], installedDevelopEggs: '', options: new Map() };
}

const TOKENS: [string, string][] = [
  ['%(__buildout_space__)s', ' '],
  ['%(__buildout_space_n__)s', '\n'],
  ['%(__buildout_space_r__)s', '\r'],
  ['%(__buildout_space_f__)s', '\f'],
  ['%(__buildout_space_v__)s', '\v'],
];

export function decodeValue(value: string): string {
  if (!value.includes('%(')) return value;
  let v = value;
  for (const [k, r] of TOKENS) v = v.replaceAll(k, r);
  return v;
}

/** zc.buildout's _save_option value encoding. */
export function encodeValue(value: string): string {
  let v = value.replace(/[ \t\r\f\v]*\n[ \t\r\f\v\n]*|^[ \t\r\f\v]+|[ \t\r\f\v]+$/g, (m) => {
    const nl = m.indexOf('\n');
    const parts = nl < 0 ? [m] : [m.slice(0, nl), m.slice(nl + 1)];
    return parts
      .map((s) =>
        s
          .replaceAll(' ', '%(__buildout_space__)s')
          .replaceAll('\r', '%(__buildout_space_r__)s')
          .replaceAll('\f', '%(__buildout_space_f__)s')
          .replaceAll('\v', '%(__buildout_space_v__)s')
          .replaceAll('\n', '%(__buildout_space_n__)s'),
      )
      .join('\n\t');
  });
  if (v.startsWith('\n\t')) v = '%(__buildout_space_n__)s' + v.slice(2);
  if (v.endsWith('\n\t')) v = v.slice(0, -2) + '%(__buildout_space_n__)s';
  return v;
}

/** Read .installed.cfg; a missing file is an empty state, an unreadable one an error. */
export function readInstalled(path: string): InstalledState & { exists: boolean } {
  if (!existsSync(path)) return { ...emptyState(), exists: false };
  const text = decode(readFileSync(path), path);
  const tree = parseProfile(text, path);
  const sections = readSections(tree, {
    repeatedKeys: 'overwrite',
    condition: () => {
      throw new BuildoutError({ severity: 'error', rule: 'installed-cfg', message: `${path}: unexpected section condition` });
    },
  });
  if (sections.errors.length) {
    throw new BuildoutError(
      sections.errors.map((d) => ({
        ...d,
        rule: 'installed-cfg',
        message: `cannot read ${path}: ${d.message}`,
        hint: 'the record of installed parts is damaged; fix or remove it (removing it makes the next run reinstall every part)',
      })),
    );
  }
  const options = new Map<string, Map<string, string>>();
  for (const [name, s] of sections.sections) {
    const m = new Map<string, string>();
    for (const [k, o] of s.options) m.set(k, decodeValue(o.value));
    options.set(name, m);
  }
  const buildout = options.get('buildout') ?? new Map<string, string>();
  options.delete('buildout');
  const parts = (buildout.get('parts') ?? '').split(/\s+/).filter(Boolean);
  for (const p of parts) {
    if (!options.has(p)) {
      throw new BuildoutError({
        severity: 'error',
        rule: 'installed-cfg',
        message: `cannot read ${path}: part ${p} is listed in [buildout] parts but has no section`,
      });
    }
  }
  return { parts, installedDevelopEggs: buildout.get('installed_develop_eggs') ?? '', options, exists: true };
}

export function formatInstalled(state: InstalledState): string {
  const out: string[] = [];
  const section = (name: string, opts: Map<string, string>) => {
    out.push(`[${name}]`);
    for (const k of [...opts.keys()].sort(comparePy)) out.push(`${k} = ${encodeValue(opts.get(k)!)}`);
  };
  section('buildout', new Map([['installed_develop_eggs', state.installedDevelopEggs], ['parts', state.parts.join(' ')]]));
  for (const p of state.parts) {
    out.push('');
    section(p, state.options.get(p)!);
  }
  return out.join('\n') + '\n';
}

/**
 * Write the state if it changed; with no parts and no develop eggs the file
 * is removed. Returns whether the file changed.
 */
export function writeInstalled(path: string, state: InstalledState): boolean {
  if (!state.parts.length && !state.installedDevelopEggs) {
    if (existsSync(path)) {
      rmSync(path);
      return true;
    }
    return false;
  }
  const text = formatInstalled(state);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeAtomically(path, text);
  return true;
}

export function writeAtomically(path: string, text: string | Buffer, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    if (typeof text === 'string') writeSync(fd, text);
    else writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
