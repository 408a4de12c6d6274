// `diff` as text for people. (`--json` prints the DiffResult itself.)
import type { DiffResult } from './diff.ts';
import { formatPlan } from './plan-format.ts';
import { showChange, showOrigin, showValue } from './text.ts';

export function formatDiff(d: DiffResult, cwd: string): string {
  const out: string[] = [`A: ${d.a}`, `B: ${d.b}`, ''];
  const onlyA = d.partsA.filter((p) => !d.partsB.includes(p));
  const onlyB = d.partsB.filter((p) => !d.partsA.includes(p));
  out.push(`Parts: ${d.partsA.length} in A, ${d.partsB.length} in B${onlyA.length || onlyB.length ? '' : ', the same'}`);
  for (const p of onlyB) out.push(`  + ${p}`);
  for (const p of onlyA) out.push(`  - ${p}`);
  out.push('');
  const changed = d.sections.filter((s) => s.status === 'changed');
  out.push(`Values: ${changed.reduce((n, s) => n + s.options.length, 0)} option${changed.length === 1 ? '' : 's'} differ in ${changed.length} section${changed.length === 1 ? '' : 's'}; ${d.sections.filter((s) => s.status === 'added').length} section(s) only in B, ${d.sections.filter((s) => s.status === 'removed').length} only in A`);
  for (const s of d.sections) {
    if (s.status !== 'changed') {
      out.push(`  [${s.section}] only in ${s.status === 'added' ? 'B' : 'A'}`);
      continue;
    }
    out.push(`  [${s.section}]`);
    for (const o of s.options) {
      const where = o.origin ? `  (${showOrigin(o.origin, cwd)})` : '';
      out.push(`    ${o.option}: ${o.a?.includes('\n') || o.b?.includes('\n') ? `${showValue(o.a)} → ${showValue(o.b)}` : showChange(o.a, o.b)}${where}`);
    }
  }
  out.push('', 'What B would rebuild over an install of A:', '');
  out.push(formatPlan(d.rebuild, { cwd }).split('\n').slice(2).join('\n'));
  return out.join('\n');
}
