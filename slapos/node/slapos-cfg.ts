// A node configured by the real node configuration file, slapos.cfg (read
// as Python's configparser.ConfigParser reads it, as `slapos node` does):
// [slapos] master_url, computer_id, software_root, instance_root,
// key_file, cert_file, master_ca_file, certificate_repository_path,
// master_rest_url; [slapformat] partition_amount, partition_base_name,
// user_base_name. The mandatory options and files are slapgrid's
// (slapgrid.py check_missing_parameters, check_missing_files). The
// sections and options tsbuildout does not use are named once per run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_PARTITIONS, NodeError, NodePaths, type NodeSettings } from './config.ts';

export type Ini = Map<string, Map<string, string>>;

/**
 * configparser's format: `[section]`, `key = value` or `key: value` (keys
 * lower-cased), indented continuation lines, `#`/`;` comment lines, a
 * DEFAULT section under every other, `%(key)s` interpolation (`%%` a `%`).
 */
export function parseIni(text: string, file: string): Ini {
  const raw = new Map<string, Map<string, string[]>>();
  let section: Map<string, string[]> | undefined;
  let last: string[] | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (/^\s*([#;].*)?$/.test(line)) {
      // a blank line inside a value is kept, a comment line is not
      if (last && line.trim() === '') last.push('');
      return;
    }
    if (/^\s/.test(line) && last) {
      last.push(line.trim());
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      const name = header[1]!;
      if (!raw.has(name)) raw.set(name, new Map());
      section = raw.get(name);
      last = undefined;
      return;
    }
    const option = /^([^=:]+?)\s*[=:]\s?(.*)$/.exec(line);
    if (!option) throw new NodeError(`${where}: not an option, a section or a comment: ${line.trim()}`);
    if (!section) throw new NodeError(`${where}: an option before the first [section]`);
    last = [option[2]!.trim()];
    section.set(option[1]!.trim().toLowerCase(), last);
  });
  const defaults = raw.get('DEFAULT') ?? new Map<string, string[]>();
  const out: Ini = new Map();
  for (const [name, options] of raw) {
    if (name === 'DEFAULT') continue;
    const merged = new Map<string, string[]>([...defaults, ...options]);
    const values = new Map<string, string>();
    const get = (key: string, depth: number): string => {
      const v = merged.get(key);
      if (!v) throw new NodeError(`${file}: [${name}] %(${key})s names no option`);
      if (depth > 10) throw new NodeError(`${file}: [${name}] ${key}: interpolation too deep`);
      const text = v.join('\n').replace(/\n+$/, '');
      return text.replace(/%(%|\(([^)]+)\)s)/g, (_, m: string, ref?: string) => (m === '%' ? '%' : get(ref!.toLowerCase(), depth + 1)));
    };
    for (const key of merged.keys()) values.set(key, get(key, 0));
    out.set(name, values);
  }
  return out;
}

/** The options this file's sections set, without the DEFAULT ones. */
function ownOptions(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let section: Set<string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      if (!out.has(header[1]!)) out.set(header[1]!, new Set());
      section = out.get(header[1]!);
      continue;
    }
    const option = /^([^\s#;[][^=:]*?)\s*[=:]/.exec(line);
    if (option && section) section.add(option[1]!.trim().toLowerCase());
  }
  return out;
}

export const USED: Record<string, string[]> = {
  slapos: ['master_url', 'computer_id', 'software_root', 'instance_root', 'key_file', 'cert_file', 'master_ca_file', 'certificate_repository_path', 'master_rest_url'],
  slapformat: ['partition_amount', 'partition_base_name', 'user_base_name'],
};

export interface CfgNode {
  paths: NodePaths;
  settings: NodeSettings;
  /** What tsbuildout does not use, said once per run. */
  notice?: string;
}

/** A node from slapos.cfg (`--cfg FILE`). */
export function readSlaposCfg(path: string): CfgNode {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NodeError(`cannot read the node configuration ${path}: ${(e as Error).message}`);
  }
  const ini = parseIni(text, file);
  const slapos = ini.get('slapos');
  if (!slapos) throw new NodeError(`${file}: no [slapos] section`);
  const format = ini.get('slapformat') ?? new Map<string, string>();
  // slapgrid's mandatory options: present and not empty
  const required = new Set(['computer_id', 'instance_root', 'master_url', 'software_root']);
  if (slapos.has('key_file') || slapos.has('cert_file')) for (const k of ['key_file', 'cert_file', 'certificate_repository_path']) required.add(k);
  const missing = [...required].filter((k) => !slapos.has(k)).sort();
  if (missing.length) throw new NodeError(`${file}: Missing mandatory parameters: ${missing.join(', ')}`);
  const empty = [...required].filter((k) => !slapos.get(k)).sort();
  if (empty.length) throw new NodeError(`${file}: Mandatory parameters present but empty: ${empty.join(', ')}`);
  // relative paths are relative to the current directory, as for slapgrid
  const at = (p: string) => resolve(p);
  const optional = (k: string) => (slapos.get(k) ? at(slapos.get(k)!) : undefined);
  for (const k of ['key_file', 'cert_file', 'master_ca_file']) {
    const p = optional(k);
    if (p && !existsSync(p)) throw new NodeError(`${file}: ${k}: File '${p}' does not exist.`);
  }
  const repository = optional('certificate_repository_path');
  if (repository && !(existsSync(repository) && statSync(repository).isDirectory())) throw new NodeError(`${file}: certificate_repository_path: Directory '${repository}' does not exist`);
  const amount = format.get('partition_amount') ?? String(DEFAULT_PARTITIONS);
  if (!/^\d+$/.test(amount)) throw new NodeError(`${file}: [slapformat] partition_amount: expected a number, got '${amount}'`);
  const settings: NodeSettings = {
    computer: slapos.get('computer_id')!,
    partitions: Number(amount),
    'master-url': slapos.get('master_url')!,
    'master-port': 0,
  };
  const set = (key: keyof NodeSettings, value: string | undefined) => {
    if (value) (settings as unknown as Record<string, string>)[key] = value;
  };
  set('key-file', optional('key_file'));
  set('cert-file', optional('cert_file'));
  set('master-ca-file', optional('master_ca_file'));
  set('master-rest-url', slapos.get('master_rest_url'));
  set('certificate-repository-path', repository);
  set('partition-base-name', format.get('partition_base_name'));
  set('user-base-name', format.get('user_base_name'));
  const softwareRoot = at(slapos.get('software_root')!);
  const instanceRoot = at(slapos.get('instance_root')!);
  const unused: string[] = [];
  for (const [section, options] of ownOptions(text)) {
    if (section === 'DEFAULT') continue;
    const used = USED[section];
    if (!used) unused.push(`[${section}]`);
    else {
      const extra = [...options].filter((o) => !used.includes(o));
      if (extra.length) unused.push(`[${section}] ${extra.join(', ')}`);
    }
  }
  return {
    paths: new NodePaths(instanceRoot, { softwareRoot, instanceRoot, cfg: file }),
    settings,
    ...(unused.length ? { notice: `${file}: not used by tsbuildout: ${unused.join('; ')}` } : {}),
  };
}
