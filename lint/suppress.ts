// Inline suppression: a comment line `# tsbuildout: disable=RULE[,RULE…]`
// right above the line of a finding silences it (in a template,
// `{# tsbuildout: disable=RULE #}` works as well);
// `# tsbuildout: disable-file=RULE[,…]` anywhere silences the rule for the
// whole file. `all` stands for every rule.
import type { LintFinding } from './types.ts';
import type { Workspace } from './workspace.ts';

const LINE = /^\s*(?:#|;|\{#)\s*tsbuildout:\s*disable=([\w,\s-]+?)\s*(?:#\})?\s*$/;
const FILE = /^\s*(?:#|;|\{#)\s*tsbuildout:\s*disable-file=([\w,\s-]+?)\s*(?:#\})?\s*$/;

function rules(list: string): string[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean);
}

const fileCache = new WeakMap<object, Set<string>>();

export function suppressed(workspace: Workspace, f: LintFinding): boolean {
  const file = workspace.local(f.span!.file);
  if (!file) return false;
  let whole = fileCache.get(file);
  if (!whole) {
    whole = new Set();
    for (const line of file.lines) {
      const m = FILE.exec(line);
      if (m) for (const r of rules(m[1]!)) whole.add(r);
    }
    fileCache.set(file, whole);
  }
  if (whole.has(f.rule) || whole.has('all')) return true;
  const above = file.lines[f.span!.line - 2];
  const m = above === undefined ? null : LINE.exec(above);
  if (!m) return false;
  const list = rules(m[1]!);
  return list.includes(f.rule) || list.includes('all');
}
