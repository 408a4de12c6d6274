// The `context` option of slapos.recipe.template:jinja2, read for the
// sections and options it names (without rendering anything).

export interface SectionUse {
  section: string;
  option?: string;
  /** The option of this section that names it, and the offsets of the name in its raw value. */
  from: string;
  start?: number;
  end?: number;
  /** The jinja2 context type (`key`, `section`, …) when it comes from `context`. */
  kind?: string;
  /** The template variable it defines. */
  variable?: string;
}

/**
 * The `context` of slapos.recipe.template:jinja2: one `TYPE NAME EXPRESSION`
 * per line. `key`/`jsonkey` name `section:option` (`:option` for the section
 * itself), `section` names a section. Offsets are in the raw value when the
 * line has no `${…}` (otherwise the whole line).
 */
export function jinja2Context(raw: string, value: string | undefined, option: string): SectionUse[] {
  const out: SectionUse[] = [];
  const text = value ?? raw;
  let offset = 0;
  text.split('\n').forEach((line) => {
    const start = offset;
    offset += line.length + 1;
    const m = /^(\s*)(\S+)\s+(\S+)\s+(.*?)\s*$/.exec(line);
    if (!m) return;
    const [, lead, kind, variable, expr] = m as unknown as [string, string, string, string, string];
    const exact = (value === undefined || value === raw) && !line.includes('${');
    const exprStart = start + lead.length + line.slice(lead.length).indexOf(expr, kind.length + variable.length);
    const pos = exact ? { start: exprStart, end: exprStart + expr.length } : {};
    if (kind === 'key' || kind === 'jsonkey') {
      const colon = expr.indexOf(':');
      if (colon < 0 || expr.includes('${')) return;
      out.push({ section: expr.slice(0, colon), option: expr.slice(colon + 1), from: option, kind, variable, ...pos });
    } else if (kind === 'section') {
      if (expr.includes('${')) return;
      out.push({ section: expr, from: option, kind, variable, ...pos });
    } else {
      out.push({ section: '', from: option, kind, variable, ...pos });
    }
  });
  return out;
}
