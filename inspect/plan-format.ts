// The plan as text for people. (`--json` prints the Plan object itself.)
import type { SoftwareStep } from '../recipes/api.ts';
import type { Action, EdgeRef, Plan, PlanItem, Reason, ValueChange } from './plan.ts';
import { pad, showChange, showOrigin, showPath, showValue } from './text.ts';

const ORDER: Action[] = ['install', 'reinstall', 'uninstall', 'update', 'unchanged'];

export interface PlanFormatOptions {
  cwd: string;
  /** Also list unchanged parts one per line (default: only counted). */
  all?: boolean;
}

export function formatPlan(plan: Plan, o: PlanFormatOptions): string {
  const cwd = o.cwd;
  const out: string[] = [];
  out.push(
    `Plan against ${showPath(plan.installed || '(no .installed.cfg)', cwd)}${plan.recorded ? '' : ' (none yet: every part is new)'}, ${plan.semantics} semantics${plan.checkSignature ? '' : ', signatures not checked'}`,
  );
  out.push('');
  const width = Math.min(32, Math.max(4, ...plan.items.map((i) => i.part.length)));
  let hidden = 0;
  for (const item of plan.items) {
    if (item.action === 'unchanged' && !o.all && !item.uncertain?.length && !item.reasons.length) {
      hidden++;
      continue;
    }
    out.push(`${pad(item.action, 10)} ${pad(item.part, width)}  ${item.recipe ?? ''}`.trimEnd());
    for (const line of reasonLines(item, cwd)) out.push('    ' + line);
    for (const step of item.software ?? []) out.push('    software: ' + softwareText(step, cwd));
    if (item.initNotRun) out.push(`    ? recipe init not run: ${item.initNotRun}; what it computes is unknown`);
    for (const u of item.uncertain ?? []) out.push(`    ? uncertain: ${u}`);
  }
  if (hidden) out.push(`(${hidden} unchanged part${hidden === 1 ? '' : 's'} not listed: --all lists them)`);
  out.push('');
  const counts = ORDER.filter((a) => plan.summary[a]).map((a) => `${plan.summary[a]} ${a}`);
  out.push(`${plan.items.length} part${plan.items.length === 1 ? '' : 's'}: ${counts.join(', ') || 'nothing to do'}`);
  return out.join('\n');
}

function via(edges: EdgeRef[] | undefined, cwd: string): string {
  if (!edges?.length) return '';
  return edges.map((e) => `${e.label}${e.kind === 'reference' ? ` in ${e.option}` : ''}${e.at ? ` (${showPath(e.at.file, cwd)}:${e.at.line})` : ''}`).join('; ');
}

function chain(edges: EdgeRef[], cwd: string): string {
  return ['[buildout]', ...edges.map((e) => `─${e.label}${e.at ? ` @${showPath(e.at.file, cwd)}:${e.at.line}` : ''}→ [${e.to}]`)].join(' ');
}

export function reasonLines(item: PlanItem, cwd: string): string[] {
  const out: string[] = [];
  for (const r of item.reasons) out.push(...reasonText(r, cwd));
  return out;
}

function reasonText(r: Reason, cwd: string): string[] {
  switch (r.kind) {
    case 'new':
      if (r.listed) {
        const at = r.via?.[0]?.at;
        return [`new part, listed in [buildout] parts${at ? ` (${showPath(at.file, cwd)}:${at.line})` : ''}`];
      }
      return [`new part, pulled in by ${r.via ? chain(r.via, cwd) : 'a reference'}`];
    case 'not-selected':
      return ['no longer in the build'];
    case 'kept':
      return [r.detail];
    case 'files-missing':
      return [`recorded files missing: ${r.files.map((f) => showPath(f, cwd)).join(', ')}`];
    case 'incomplete':
      return [`cut while being written (a killed run or a failed recipe); its files are removed: ${r.files.map((f) => showPath(f, cwd)).join(', ')}`];
    case 'no-update-method':
      return ["kept: its recipe has no update method, so install() runs again"];
    case 'signature-not-checked':
      return ['kept: its signature changed, but check-signature = false'];
    case 'recipe-changed':
      return r.what === 'recipe'
        ? [`recipe changed: ${showChange(r.old, r.new)}${r.origin ? `  (${showOrigin(r.origin, cwd)})` : ''}`]
        : [`recipe version changed: ${r.old ?? '(none)'} → ${r.new ?? '(none)'}`];
    case 'options-changed':
      return r.changes.flatMap((c) => changeText(c, cwd));
    case 'dependency-changed': {
      const lines: string[] = [];
      const how = r.change === 'added' ? 'now depends on' : r.change === 'removed' ? 'no longer depends on' : 'dependency changed:';
      const v = via(r.via, cwd);
      lines.push(`${how} [${r.dependency}]${v ? ` via ${v}` : ''}${r.uncertain ? ' (uncertain)' : ''}`);
      if (r.path && r.path.length > 1) lines.push(`  chain: ${r.path.map((p) => `[${p}]`).join(' → ')} (its reasons are listed under [${r.path[r.path.length - 1]}])`);
      else if (r.dependencyAction && r.change === 'changed') lines.push(`  [${r.dependency}] is a part: ${r.dependencyAction} (see its entry)`);
      for (const c of r.changes ?? []) lines.push(...changeText(c, cwd).map((l) => `  [${r.dependency}] ${l}`));
      for (const s of r.suspects ?? []) lines.push(`  likely: option ${s.option} (${showOrigin(s.origin, cwd)}: the file changed since the last run)`);
      if (r.change === 'changed' && !r.dependencyAction && !r.suspects?.length && !r.changes?.length && !r.uncertain) {
        lines.push(`  [${r.dependency}] is not a part: its previous values are not recorded, only their hash`);
      }
      return lines;
    }
  }
}

function changeText(c: ValueChange, cwd: string): string[] {
  const where = c.origin ? `  (${showOrigin(c.origin, cwd)})` : '';
  const doubt = c.uncertain ? ' (uncertain)' : '';
  if (c.old === undefined) return [`option ${c.option} added: ${showValue(c.new)}${where}${doubt}`, ...refLines(c, cwd)];
  if (c.new === undefined) return [`option ${c.option} removed (was ${showValue(c.old)})${doubt}`];
  if (!c.old.includes('\n') && !c.new.includes('\n')) return [`option ${c.option}: ${showChange(c.old, c.new)}${where}${doubt}`, ...refLines(c, cwd)];
  const oldLines = c.old.split('\n');
  const newLines = c.new.split('\n');
  const gone = oldLines.filter((l) => !newLines.includes(l));
  const lines = [`option ${c.option} changed${where}${doubt}:`];
  for (const l of gone) lines.push(`  - ${showValue(l)}`);
  newLines.forEach((l, i) => {
    if (oldLines.includes(l)) return;
    const o = c.lines?.[i]?.origin;
    lines.push(`  + ${showValue(l)}${o ? `  (${showOrigin(o, cwd)})` : ''}`);
  });
  if (!gone.length && lines.length === 1) lines.push('  (same lines, in another order or spacing)');
  return [...lines, ...refLines(c, cwd)];
}

function refLines(c: ValueChange, cwd: string): string[] {
  return (c.references ?? []).map((r) => `  ${r.ref} = ${showValue(r.value, 50)}${r.origin ? `  (${showOrigin(r.origin, cwd)})` : ''}`);
}

const SOFTWARE_VERB: Record<SoftwareStep['action'], string> = {
  build: 'build',
  reuse: 'reuse shared',
  cached: 'download from cache',
  fetch: 'download',
  local: 'read',
  missing: 'cannot download',
};

/** `build /srv/shared/zstd/<hash> (no shared part with this signature)`, `download from cache <path>: <url>`. */
function softwareText(s: SoftwareStep, cwd: string): string {
  const verb = SOFTWARE_VERB[s.action];
  if (s.action === 'build' || s.action === 'reuse') return `${verb} ${s.path ? showPath(s.path, cwd) : s.what} (${s.reason})`;
  if (s.action === 'cached') return `${verb} ${showPath(s.path!, cwd)}: ${s.what}`;
  return `${verb} ${s.what}${s.path ? ` → ${showPath(s.path, cwd)}` : ''} (${s.reason})`;
}
