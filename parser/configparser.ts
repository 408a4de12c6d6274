// Python's configparser.ConfigParser, as slapos.cli reads slapos.cfg and
// the proxy's configuration (slapos/cli/config.py fetch_config): sections,
// `=` or `:` delimiters, option names lowercased, whole-line `#`/`;`
// comments, indented continuation lines (blank lines inside a value kept,
// then the value right-stripped), [DEFAULT] options seen in every section,
// duplicates refused (strict), and BasicInterpolation on reading
// (`%(name)s`, `%%`); and its write() (slapos.cookbook:zero-knowledge).
import { UserError } from './diagnostic.ts';

export class ConfigFile {
  constructor(
    readonly file: string,
    /** Raw values by section, options in file order. */
    readonly sections: Map<string, Map<string, string | null>>,
    readonly defaults: Map<string, string | null>,
  ) {}

  has(section: string, option: string): boolean {
    return !!this.sections.get(section)?.has(option) || (this.sections.has(section) && this.defaults.has(option));
  }

  /** configparser's items(section): the [DEFAULT] options then the section's, interpolated. */
  items(section: string): [string, string | null][] {
    const names = new Set([...this.defaults.keys(), ...(this.sections.get(section)?.keys() ?? [])]);
    return [...names].map((k) => [k, this.get(section, k) ?? null]);
  }

  /** configparser's get(): the value, interpolated; undefined when the section or option is missing. */
  get(section: string, option: string): string | undefined {
    const raw = this.raw(section, option);
    if (raw === undefined || raw === null) return raw ?? undefined;
    return this.interpolate(section, option, raw, 1);
  }

  private raw(section: string, option: string): string | null | undefined {
    const s = this.sections.get(section);
    if (!s) return undefined;
    return s.has(option) ? s.get(option) : this.defaults.get(option);
  }

  /** BasicInterpolation.before_get */
  private interpolate(section: string, option: string, value: string, depth: number): string {
    if (depth > 10) throw new UserError(`${this.file}: [${section}] ${option}: interpolation too deep (more than 10 levels)`);
    let out = '';
    let rest = value;
    for (;;) {
      const p = rest.indexOf('%');
      if (p < 0) return out + rest;
      out += rest.slice(0, p);
      rest = rest.slice(p);
      if (rest.startsWith('%%')) {
        out += '%';
        rest = rest.slice(2);
        continue;
      }
      const m = /^%\(([^)]+)\)s/.exec(rest);
      if (!m) throw new UserError(`${this.file}: [${section}] ${option}: '%' must be followed by '%' or '(', found: ${JSON.stringify(rest)}`);
      const name = m[1]!.toLowerCase();
      const v = this.raw(section, name);
      if (v === undefined || v === null) throw new UserError(`${this.file}: [${section}] ${option}: bad interpolation variable reference ${JSON.stringify(m[0])}`);
      out += this.interpolate(section, name, v, depth + 1);
      rest = rest.slice(m[0].length);
    }
  }
}

/** configparser's read: the file's sections, or one `Error:` line naming the file and line. */
export function readConfigFile(text: string, file: string): ConfigFile {
  const sections = new Map<string, Map<string, string | null>>();
  const defaults = new Map<string, string | null>();
  const values = new Map<Map<string, string | null>, Map<string, string[] | null>>();
  const seen = new Set<string>();
  let current: Map<string, string[] | null> | undefined;
  let sectionName = '';
  let option: string | undefined;
  let indent = Number.MAX_SAFE_INTEGER;
  const fail = (line: number, why: string): never => {
    throw new UserError(`${file}:${line}: ${why}`);
  };
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const no = i + 1;
    const comment = /^\s*[#;]/.test(line);
    const value = comment ? '' : line.trim();
    if (!value) {
      // a blank line (not a comment) belongs to the value being read
      const v = current && option ? current.get(option) : undefined;
      if (!comment && v) v.push('');
      return;
    }
    const level = /\S/.exec(line)!.index;
    if (current && option && level > indent) {
      const v = current.get(option);
      if (v) v.push(value);
      return;
    }
    indent = level;
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      sectionName = header[1]!;
      if (sectionName === 'DEFAULT') current = values.get(defaults) ?? new Map();
      else {
        if (seen.has(`[${sectionName}]`)) fail(no, `section ${JSON.stringify(sectionName)} already exists`);
        const s = new Map<string, string | null>();
        sections.set(sectionName, s);
        current = new Map();
        values.set(s, current);
      }
      if (sectionName === 'DEFAULT') values.set(defaults, current);
      seen.add(`[${sectionName}]`);
      option = undefined;
      return;
    }
    if (!current) fail(no, `File contains no section headers: ${JSON.stringify(line)}`);
    const m = /^(.*?)\s*([=:])\s*(.*)$/.exec(value);
    if (!m || !m[1]) fail(no, `cannot parse ${JSON.stringify(line)}`);
    option = m![1]!.trimEnd().toLowerCase();
    if (seen.has(`${sectionName}\u0000${option}`)) fail(no, `option ${JSON.stringify(option)} in section ${JSON.stringify(sectionName)} already exists`);
    seen.add(`${sectionName}\u0000${option}`);
    current!.set(option, [m![3]!.trim()]);
  });
  for (const [target, read] of values) {
    for (const [k, v] of read) target.set(k, v === null ? null : v.join('\n').trimEnd());
  }
  return new ConfigFile(file, sections, defaults);
}

/**
 * configparser's write(): [DEFAULT] first when it has options, then each
 * section, `key = value` (a newline in a value continued by a tab; `key`
 * alone for None), a blank line after each section.
 */
export function formatConfigFile(sections: Map<string, Map<string, string | null>>, defaults: Map<string, string | null> = new Map()): string {
  let out = '';
  const write = (name: string, options: Map<string, string | null>) => {
    out += `[${name}]\n`;
    for (const [k, v] of options) out += v === null ? `${k}\n` : `${k} = ${v.replaceAll('\n', '\n\t')}\n`;
    out += '\n';
  };
  if (defaults.size) write('DEFAULT', defaults);
  for (const [name, options] of sections) write(name, options);
  return out;
}
