// `explain` as text for people. (`--json` prints the Explanation itself.)
import type { Explanation, ExplainStep } from './explain.ts';
import { pad, showPath, showValue } from './text.ts';

const OPS: Record<ExplainStep['op'], string> = { SET: 'set', OVERRIDE: 'override', ADD: '+=', REMOVE: '-=', DIRECTORY: 'absolute' };

function where(s: ExplainStep, cwd: string): string {
  switch (s.kind) {
    case 'file':
      return s.line !== undefined ? `${showPath(s.file!, cwd)}:${s.line}` : `${showPath(s.file!, cwd)} (injected)`;
    case 'command-line':
      return 'command line';
    case 'default':
      return "buildout's default";
    case 'computed':
      return 'computed by buildout';
    default:
      return 'implicit';
  }
}

function valueBlock(v: string, indent: string): string[] {
  const lines = v.split('\n');
  if (lines.length === 1) return [`${indent}${lines[0]}`];
  return lines.map((l) => `${indent}${l}`);
}

export function formatExplanation(x: Explanation, cwd: string): string {
  const out: string[] = [];
  out.push(`[${x.section}] ${x.option}`);
  if (x.error) out.push(`  error: ${x.error}`);
  if (x.value !== undefined) {
    if (x.value.includes('\n')) out.push('  value:', ...valueBlock(x.value, '    | '));
    else out.push(`  value: ${x.value === '' ? "''" : x.value}`);
  }
  if (x.unknown) out.push('  (parts of it are computed by recipes whose init is not run here)');
  if (x.setByRecipe) out.push(`  set by ${x.setByRecipe} at init${x.steps.length ? ' (over the profile value below)' : ''}`);
  body(x, cwd, '  ', out, new Set());
  return out.join('\n');
}

function body(x: Explanation, cwd: string, indent: string, out: string[], shown: Set<string>): void {
  shown.add(`${x.section}\0${x.option}`);
  if (x.macros?.length && x.steps.some((s) => s.macro)) out.push(`${indent}[${x.section}] extends macro${x.macros.length > 1 ? 's' : ''} ${x.macros.map((m) => `[${m}]`).join(' ')} (<=)`);
  if (x.steps.length) {
    out.push(`${indent}built in ${x.steps.length} step${x.steps.length === 1 ? '' : 's'}, oldest first:`);
    x.steps.forEach((s, i) => {
      const head = `${indent}  ${pad(`${i + 1}.`, 3)} ${pad(OPS[s.op], 8)} ${pad(where(s, cwd), 28)}`;
      const tags = [s.macro ? `from macro [${s.macro}]` : '', s.superseded ? 'replaced later' : ''].filter(Boolean).join(', ');
      const lines = s.lines ?? [];
      if (s.kind === 'file' && lines.length > 1) {
        out.push(`${head} ${s.text ?? ''}${tags ? `   (${tags})` : ''}`.trimEnd());
        for (const l of lines) out.push(`${indent}        ${pad(`${showPath(s.file!, cwd)}:${l.line}`, 28)}   | ${l.text}`);
      } else {
        const text = s.text ?? (s.value.includes('\n') ? showValue(s.value) : s.value);
        out.push(`${head} ${text}${tags ? `   (${tags})` : ''}`.trimEnd());
      }
    });
  }
  if (x.references.length) {
    out.push(`${indent}expands ${x.references.length} reference${x.references.length === 1 ? '' : 's'}:`);
    for (const r of x.references) {
      const at = r.at ? ` at ${showPath(r.at.file, cwd)}:${r.at.line}:${r.at.column}` : '';
      out.push(`${indent}  ${r.ref}${at} → ${r.error ? `error: ${r.error}` : showValue(r.value)}`);
      if (r.explain && !shown.has(`${r.explain.section}\0${r.explain.option}`)) {
        if (r.explain.setByRecipe) out.push(`${indent}      set by ${r.explain.setByRecipe} at init`);
        body(r.explain, cwd, indent + '      ', out, shown);
      }
    }
  }
}
