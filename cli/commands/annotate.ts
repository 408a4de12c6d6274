// `annotate [SECTION …]`: the merged raw configuration with where each value
// came from, in zc.buildout's format
// (docs/buildout-run.md#annotate-and-query); `--json` gives every step of
// every value with its file, line and column.
import { relative } from 'node:path';
import { steps, type Config, type Entry, type Step } from '../../profile/entry.ts';
import { loadBuildout } from '../../profile/load.ts';
import { sortedPy } from '../../profile/merge.ts';
import { pySplitLines } from '../../python/index.ts';
import { type CommandContext, sortedJson } from '../context.ts';

const LITERAL = new Set(['DEFAULT_VALUE', 'COMPUTED_VALUE', 'COMMAND_LINE_VALUE', 'IMPLICIT_VALUE']);

function humanSource(source: string, basedir: string): string {
  return source.startsWith(basedir) ? relative(basedir, source) || '.' : source;
}

/** zc.buildout's annotate text. */
export function formatAnnotate(config: Config, chosen: string[], basedir: string, verbose: boolean): string {
  const out: string[] = ['', 'Annotated sections', '='.repeat('Annotated sections'.length)];
  for (const name of sortedPy(config.keys())) {
    if (chosen.length && !chosen.includes(name)) continue;
    out.push('', `[${name}]`);
    const section = config.get(name)!;
    for (const key of sortedPy(section.keys())) {
      const e = section.get(key)!;
      printKeyAndValue(out, key, e.value);
      if (verbose) printVerbose(out, e, basedir);
      else printTerse(out, e, basedir);
    }
  }
  return out.join('\n');
}

function printKeyAndValue(out: string[], key: string, value: string): void {
  const lines = pySplitLines(value);
  if (lines.length <= 1) out.push(value ? `${key}= ${value}` : `${key}=`);
  else {
    out.push(`${key}= ${lines[0]}`);
    out.push(...lines.slice(1));
  }
}

function printTerse(out: string[], e: Entry, basedir: string): void {
  const all = steps(e);
  const shown: Step[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    shown.unshift(all[i]!);
    if (all[i]!.op !== 'ADD' && all[i]!.op !== 'REMOVE') break;
  }
  for (const s of shown) {
    const src = humanSource(s.source, basedir);
    const line = s.op === 'ADD' ? '+=  ' + src : s.op === 'REMOVE' ? '-=  ' + src : '    ' + src;
    if (line.trim()) out.push(line);
  }
}

function printVerbose(out: string[], e: Entry, basedir: string): void {
  out.push('');
  for (const s of steps(e).reverse()) {
    const prefix = s.source === 'DEFAULT_VALUE' || s.source === 'COMPUTED_VALUE' || s.source === 'COMMAND_LINE_VALUE' ? 'AS' : 'IN';
    out.push(`   ${prefix} ${humanSource(s.source, basedir)}`);
    const lines = pySplitLines(s.value);
    if (lines.length <= 1) out.push(`   ${s.op} VALUE = ${s.value}`);
    else {
      out.push(`   ${s.op} VALUE =`);
      for (const l of lines) out.push(`      ${l}`);
    }
  }
  out.push('');
}

export function annotateJson(config: Config, chosen: string[]): unknown {
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of sortedPy(config.keys())) {
    if (chosen.length && !chosen.includes(name)) continue;
    const section: Record<string, unknown> = {};
    for (const [key, e] of config.get(name)!) {
      section[key] = {
        value: e.value,
        history: steps(e).map((s) => {
          const step: Record<string, unknown> = { operation: s.op, value: s.value, source: s.source };
          if (LITERAL.has(s.source)) step.kind = s.source;
          if (s.origin) {
            step.file = s.origin.file;
            step.line = s.origin.node.line;
            step.column = s.origin.node.keySpan.column;
            step.lines = s.origin.positions.map((p) => ({ line: p.line, column: p.column }));
          }
          return step;
        }),
      };
    }
    out[name] = section;
  }
  return out;
}

export async function annotateCommand(ctx: CommandContext): Promise<number> {
  const { buildout, assembled } = await loadBuildout(ctx.load);
  const chosen = ctx.args.args.filter((a) => !a.startsWith('--'));
  if (ctx.args.json) {
    ctx.out(sortedJson(annotateJson(assembled.annotated, chosen)));
    return 0;
  }
  const verbose = buildout.section('buildout').get('verbosity') !== undefined;
  const basedir = buildout.section('buildout').require('directory');
  ctx.out(formatAnnotate(assembled.annotated, chosen, basedir, verbose));
  return 0;
}
