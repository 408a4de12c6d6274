// The proxy's configuration file, as `slapos proxy start --cfg FILE` reads
// it (slapos/proxy/__init__.py ProxyConfig): `[slapos] computer_id` and
// `[slapproxy] host, port, database_uri, software_product_list` (one
// `REFERENCE URL` per line). The proxy merges both sections into one set of
// options; tsbuildout names the options and sections it does not use, once.
import { readFileSync } from 'node:fs';
import { UserError } from '../../parser/diagnostic.ts';
import { readConfigFile } from '../../parser/configparser.ts';

export interface ProxySettings {
  computerId?: string;
  host?: string;
  port?: string;
  databaseUri?: string;
  softwareProducts: Map<string, string>;
  /** `[section] option` or `[section]` the master does not use. */
  unused: string[];
}

const USED = new Set(['computer_id', 'host', 'port', 'database_uri', 'software_product_list']);

/** _generateSoftwareProductListFromString */
export function softwareProductList(text: string, file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const parts = line.split(' ');
    if (parts.length !== 2) throw new UserError(`${file}: software_product_list: expected 'REFERENCE URL' on each line, got ${JSON.stringify(line)}`);
    out.set(parts[0]!, parts[1]!);
  }
  return out;
}

export function readProxyConfig(path: string): ProxySettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the configuration file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const cfg = readConfigFile(text, path);
  const settings: ProxySettings = { softwareProducts: new Map(), unused: [] };
  // ProxyConfig.mergeConfig: the options of both sections, in file order; the first non-empty value wins
  const option = (name: string) => {
    for (const [section, options] of cfg.sections) {
      if (section !== 'slapos' && section !== 'slapproxy') continue;
      const v = options.has(name) || cfg.defaults.has(name) ? cfg.get(section, name) : undefined;
      if (v) return v;
    }
    return undefined;
  };
  settings.computerId = option('computer_id') || undefined;
  settings.host = option('host') || undefined;
  settings.port = option('port') || undefined;
  settings.databaseUri = option('database_uri') || undefined;
  settings.softwareProducts = softwareProductList(option('software_product_list') ?? '', path);
  for (const [name, options] of cfg.sections) {
    if (name !== 'slapos' && name !== 'slapproxy') settings.unused.push(`[${name}]`);
    else for (const k of options.keys()) if (!USED.has(k)) settings.unused.push(`[${name}] ${k}`);
  }
  if (cfg.defaults.size) settings.unused.push('[DEFAULT]');
  return settings;
}
