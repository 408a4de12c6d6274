// Requirements as pkg_resources parses and prints them, with the
// `[versions]` constraint zc.buildout adds (easy_install.py
// _constrained_requirement), and versions compared with PEP 440.
import { compare, explain, satisfies, valid } from '@renovatebot/pep440';
import { strRepr } from '../../../python/index.ts';
import { RecipeError } from '../../api.ts';

export interface Requirement {
  /** pkg_resources.safe_name of the name as written. */
  projectName: string;
  /** projectName lowercased: what the environment indexes by. */
  key: string;
  /** safe_extra'd, sorted. */
  extras: string[];
  /** `[op, version]` pairs, as written. */
  specs: [string, string][];
  marker?: string;
}

/** pkg_resources.safe_name: runs of other characters than letters, digits and `.` become `-`. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, '-');
}

/** pkg_resources.safe_extra */
export function safeExtra(name: string): string {
  return name.replace(/[^A-Za-z0-9.-]+/g, '_').toLowerCase();
}

/** The key an environment indexes a project by (pkg_resources: safe_name lowercased). */
export function projectKey(name: string): string {
  return safeName(name).toLowerCase();
}

/** pkg_resources.Requirement.parse; a located-by-the-caller error when the text is not one. */
export function parseRequirement(text: string): Requirement {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*([^;]*?)\s*(?:;\s*(.*?))?\s*$/.exec(text);
  if (!m) throw new RecipeError(`Invalid requirement: ${strRepr(text)}`);
  const specs: [string, string][] = [];
  const rest = m[3]!.replace(/^\((.*)\)$/, '$1');
  for (const part of rest.split(',')) {
    const s = part.trim();
    if (!s) continue;
    const sm = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/.exec(s);
    if (!sm) throw new RecipeError(`Invalid requirement: ${strRepr(text)}`);
    specs.push([sm[1]!, sm[2]!]);
  }
  const projectName = safeName(m[1]!);
  const extras = [...new Set((m[2] ?? '').split(',').map((e) => safeExtra(e.trim())).filter(Boolean))].sort();
  return { projectName, key: projectName.toLowerCase(), extras, specs, ...(m[4] ? { marker: m[4] } : {}) };
}

/** str(Requirement): the name, the extras, the specifiers sorted (packaging's SpecifierSet), the marker. */
export function requirementText(r: Requirement): string {
  const extras = r.extras.length ? `[${r.extras.join(',')}]` : '';
  const specs = r.specs.map(([op, v]) => op + v).sort().join(',');
  return `${r.projectName}${extras}${specs}${r.marker ? `; ${r.marker}` : ''}`;
}

/** `version in requirement` (pre-releases match, as pkg_resources lets them). */
export function versionMatches(version: string, r: Requirement): boolean {
  return r.specs.every(([op, v]) => specMatches(version, op, v));
}

function specMatches(version: string, op: string, v: string): boolean {
  if (op === '===') return version === v;
  if (!valid(version)) return op === '!=' ? version !== v : op === '==' && version === v;
  return satisfies(version, `${op}${v}`, { prereleases: true });
}

/** Whether a requirement is `==` one version (easy_install's special case). */
export function isExact(r: Requirement): boolean {
  return r.specs.length === 1 && r.specs[0]![0] === '==';
}

/** Python's ordering of parsed versions: PEP 440 ones above legacy ones (legacy compared as text). */
export function compareVersions(a: string, b: string): number {
  const va = valid(a);
  const vb = valid(b);
  if (va && vb) return compare(a, b);
  if (va) return 1;
  if (vb) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** parsed_version.is_prerelease */
export function isPrerelease(version: string): boolean {
  const e = valid(version) ? explain(version) : null;
  return !!e && (e.is_prerelease || e.is_devrelease);
}

/**
 * easy_install.py _constrained_requirement: a `[versions]` pin narrows a
 * requirement to `==pin` (refused when the requirement excludes it); a
 * pin starting with `<` or `>` is added to the specifiers.
 */
export function constrain(r: Requirement, constraint: string): Requirement {
  if (constraint[0] !== '<' && constraint[0] !== '>') {
    const pin = constraint.startsWith('==') ? constraint.slice(2) : constraint;
    if (!versionMatches(pin, r)) {
      throw new RecipeError(`The requirement (${strRepr(requirementText(r))}) is not allowed by your [versions] constraint (${pin})`);
    }
    return { ...r, specs: [['==', pin]] };
  }
  const more = parseRequirement(`x ${constraint}`).specs;
  return { ...r, specs: [...r.specs, ...more] };
}
