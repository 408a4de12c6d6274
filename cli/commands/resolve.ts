// `resolve [--all] [--raw] [--json]`: the merged configuration (--raw),
// or the parts and the substituted values of the sections the parts reach
// (every section with --all, each error kept with its section).
import { BuildoutError, type Diagnostic } from '../../parser/diagnostic.ts';
import type { Buildout } from '../../profile/buildout.ts';
import { sortedPy } from '../../profile/merge.ts';
import { loadBuildout } from '../../profile/load.ts';
import { consumerValue } from '../../profile/values.ts';
import { type CommandContext, sortedJson } from '../context.ts';
import { formatError, formatSpan } from '../report.ts';

export type SectionResult = Record<string, string> | { __error__: string };

export interface ResolveResult {
  parts: string[] | null;
  parts_error: string | null;
  sections: Record<string, SectionResult>;
}

/** The diagnostics behind the `__error__` entries (not part of the JSON shape). */
export type ResolveErrors = Map<string, Diagnostic>;

/** What evaluating the parts (and, with `all`, every section) gives, as the oracle reports it. */
export function resolveAll(buildout: Buildout, all: boolean, errors: ResolveErrors = new Map()): ResolveResult {
  const out: ResolveResult = { parts: null, parts_error: null, sections: {} };
  try {
    buildout.evaluateParts();
    out.parts = [...buildout.parts];
  } catch (e) {
    if (!(e instanceof BuildoutError)) throw e;
    out.parts_error = errorText(e);
    errors.set('', e.primary);
  }
  const names = sortedPy(all ? buildout.assembled.raw.keys() : buildout.sections.keys());
  for (const name of names) {
    try {
      const section = buildout.section(name);
      const values: Record<string, string> = {};
      for (const k of sortedPy(section.keys())) values[k] = consumerValue(buildout.semantics, section.require(k));
      out.sections[name] = values;
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      out.sections[name] = { __error__: errorText(e) };
      errors.set(name, e.primary);
    }
  }
  return out;
}

/** zc.buildout's words for an error (the location is in the diagnostic). */
function errorText(e: BuildoutError): string {
  return e.primary.buildoutMessage ?? e.primary.message;
}

export async function resolveCommand(ctx: CommandContext): Promise<number> {
  const raw = ctx.args.args.includes('--raw');
  const all = ctx.args.args.includes('--all');
  const { buildout, assembled } = await loadBuildout(ctx.load);
  if (raw) {
    const sections: Record<string, Record<string, string>> = {};
    for (const [name, section] of assembled.raw) {
      sections[name] = {};
      for (const [k, e] of section) sections[name]![k] = e.value;
    }
    if (ctx.args.json) ctx.out(sortedJson({ ok: true, raw: sections }));
    else ctx.out(formatConfig(sections));
    return 0;
  }
  const errors: ResolveErrors = new Map();
  const result = resolveAll(buildout, all, errors);
  if (ctx.args.json) {
    ctx.out(sortedJson({ ok: true, ...result }));
    return 0;
  }
  const describe = (d: Diagnostic) => `${d.span ? formatSpan(d.span, ctx.cwd) + ': ' : ''}${d.message.replace(/\s*\n\s*/g, ' ')}`;
  const head = result.parts ? `# parts: ${result.parts.join(' ')}` : `# parts: error: ${describe(errors.get('')!)}`;
  const text: Record<string, SectionResult> = {};
  for (const [name, s] of Object.entries(result.sections)) {
    const d = errors.get(name);
    text[name] = d ? { __error__: describe(d) } : s;
  }
  ctx.out(head + '\n' + formatConfig(text));
  if (!result.parts) {
    ctx.err(formatError(errors.get('')!, ctx.cwd));
    return 1;
  }
  return 0;
}

/** Sections as .cfg text: continuation lines indented so the text reads back the same. */
export function formatConfig(sections: Record<string, SectionResult>): string {
  const out: string[] = [];
  for (const name of Object.keys(sections)) {
    out.push(`[${name}]`);
    const s = sections[name]!;
    if ('__error__' in s && typeof s.__error__ === 'string' && Object.keys(s).length === 1) {
      out.push(`# error: ${s.__error__.replace(/\n/g, ' ')}`);
    } else {
      for (const [k, v] of Object.entries(s)) {
        const lines = v.split('\n');
        out.push(lines[0] ? `${k} = ${lines[0]}` : `${k} =`);
        for (const l of lines.slice(1)) out.push(`    ${l}`);
      }
    }
    out.push('');
  }
  return out.join('\n');
}
