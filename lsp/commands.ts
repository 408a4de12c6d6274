// workspace/executeCommand: the text of `tsbuildout explain`, `plan` and
// `why` for what is under the cursor, computed by inspect/ on the
// document's profile as the editor holds it (unsaved texts included, user
// defaults left out as lint leaves them out).
import { dirname } from 'node:path';
import { BuildoutError } from '../parser/diagnostic.ts';
import { semantics } from '../profile/semantics.ts';
import { explain } from '../inspect/explain.ts';
import { formatExplanation } from '../inspect/explain-format.ts';
import { inspectProfile, type Inspection } from '../inspect/model.ts';
import { plan } from '../inspect/plan.ts';
import { formatPlan } from '../inspect/plan-format.ts';
import { formatWhy, why } from '../inspect/why.ts';
import type { Target } from './cursor.ts';
import type { Project } from './project.ts';

export const EXPLAIN = 'tsbuildout.explain';
export const PLAN = 'tsbuildout.plan';
export const WHY = 'tsbuildout.why';

async function inspect(project: Project, root: string): Promise<Inspection> {
  const s = project.settings;
  return inspectProfile({
    config: root,
    cwd: dirname(root),
    semantics: s.semantics,
    userDefaults: false,
    executable: s.python,
    env: s.env,
    files: project.workspace.loader(s.semantics),
    conditions: project.workspace.conditions(semantics(s.semantics)),
  });
}

/** The section and option a target is about. */
function subject(target: Target | undefined, section: string | undefined): { section?: string; option?: string } {
  if (target?.kind === 'reference' || target?.kind === 'key') return { section: target.section, option: target.option };
  if (target?.kind === 'section') return { section: target.section };
  if (target?.kind === 'recipe' || target?.kind === 'template-file') return { section: target.section };
  return section === undefined ? {} : { section };
}

export async function runCommand(project: Project, command: string, root: string, target: Target | undefined, section: string | undefined): Promise<string> {
  const what = subject(target, section);
  const cwd = dirname(root);
  try {
    if (command === EXPLAIN) {
      if (!what.section || !what.option) return 'explain: put the cursor on an option or a ${section:option} reference';
      return formatExplanation(explain(await inspect(project, root), what.section, what.option), cwd);
    }
    if (!what.section) return `${command === PLAN ? 'plan' : 'why'}: put the cursor in a section`;
    const insp = await inspect(project, root);
    if (command === PLAN) return formatPlan(plan(insp, { parts: [what.section] }), { cwd, all: true });
    return formatWhy(insp, why(insp, what.section), cwd);
  } catch (e) {
    if (e instanceof BuildoutError) return `Error: ${e.primary.message}`;
    throw e;
  }
}
