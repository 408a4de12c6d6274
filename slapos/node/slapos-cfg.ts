// A node configured by the real node configuration file, slapos.cfg (read
// as Python's configparser.ConfigParser reads it, as `slapos node` does,
// with the master's configparser):
// [slapos] master_url, computer_id, software_root, instance_root,
// key_file, cert_file, master_ca_file, certificate_repository_path,
// master_rest_url, shared_part_list; [slapformat] partition_amount, partition_base_name,
// user_base_name. The mandatory options and files are slapgrid's
// (slapgrid.py check_missing_parameters, check_missing_files). The
// sections and options tsbuildout does not use are named once per run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readConfigFile } from '../../parser/configparser.ts';
import { DEFAULT_PARTITIONS, NodeError, NodePaths, type NodeSettings } from './config.ts';

export const USED: Record<string, string[]> = {
  slapos: ['master_url', 'computer_id', 'software_root', 'instance_root', 'key_file', 'cert_file', 'master_ca_file', 'certificate_repository_path', 'master_rest_url', 'shared_part_list'],
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
  // its errors are UserErrors: one `Error:` line naming the file and line
  const ini = readConfigFile(text, file);
  // a section's options, DEFAULT's included, interpolated
  const section = (name: string): Map<string, string> | undefined => {
    const own = ini.sections.get(name);
    if (!own) return undefined;
    const out = new Map<string, string>();
    for (const k of new Set([...ini.defaults.keys(), ...own.keys()])) out.set(k, ini.get(name, k) ?? '');
    return out;
  };
  const slapos = section('slapos');
  if (!slapos) throw new NodeError(`${file}: no [slapos] section`);
  const format = section('slapformat') ?? new Map<string, string>();
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
  for (const [name, options] of ini.sections) {
    const used = USED[name];
    if (!used) unused.push(`[${name}]`);
    else {
      const extra = [...options.keys()].filter((o) => !used.includes(o));
      if (extra.length) unused.push(`[${name}] ${extra.join(', ')}`);
    }
  }
  return {
    paths: new NodePaths(instanceRoot, { softwareRoot, instanceRoot, cfg: file, ...(slapos.get('shared_part_list') ? { sharedPartList: slapos.get('shared_part_list')! } : {}) }),
    settings,
    ...(unused.length ? { notice: `${file}: not used by tsbuildout: ${unused.join('; ')}` } : {}),
  };
}
