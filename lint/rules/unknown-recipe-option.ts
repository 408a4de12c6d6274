// unknown-recipe-option: an option its section's recipe does not read and
// nothing references: most often a typo (`comand-line`), which buildout
// only reports at run time as "Unused options".
import type { Report, Rule } from '../types.ts';
import { hasPlaceholder } from '../template.ts';
import { entryKeySpan } from '../../profile/provenance.ts';
import { nearest } from '../../profile/suggest.ts';
import { contextSections } from '../../recipes/jinja2/context.ts';
import type { ProfileModel } from '../model.ts';

const INTERNAL = new Set(['recipe', '<', '<part-dependencies>']);

/** Every `section:option` something reads (references, jinja2 contexts), and every option name read anywhere. */
export function usedOptions(model: ProfileModel): Set<string> {
  const used = new Set<string>();
  for (const name of model.sectionNames()) for (const u of sectionUses(model, name)) used.add(u);
  return used;
}

/** What one section reads: `section\0option` and `option` for each of its references and jinja2 context lines; kept with its facts. */
function sectionUses(model: ProfileModel, name: string): string[] {
  const facts = model.facts(name);
  if (facts.uses) return facts.uses as string[];
  const out: string[] = [];
  for (const r of model.ownReferences(name)) out.push(r.target + '\0' + r.ref.option, r.ref.option);
  const ctx = model.raw.get(name)?.get('context');
  if (ctx) {
    for (const u of contextSections(ctx.value, undefined, 'context')) {
      if (u.option === undefined) continue;
      out.push((u.section || name) + '\0' + u.option, u.option);
    }
    // `${:x}` inside context lines are references already
  }
  facts.uses = out;
  return out;
}

/** The options a section's recipe does not read, each with its report should nothing reference it; kept with the section's reports (RuleContext.section). */
function candidates(model: ProfileModel, name: string): readonly { key: string; report: Report }[] {
  const kept = model.keptReports<{ key: string; report: Report }>(name, 'unknown-recipe-option');
  if (kept) return kept;
  const out: { key: string; report: Report }[] = [];
  model.keepReports(name, 'unknown-recipe-option', out);
  if (hasPlaceholder(name) || model.isAbstract(name)) return out;
  const schema = model.schema(name);
  if (!schema || schema.spec.anyOptions) return out;
  const ex = model.expanded(name)!;
  if (ex.error) return out;
  for (const [key, entry] of ex.section) {
    if (INTERNAL.has(key) || key.startsWith('_') || hasPlaceholder(key) || /[+-]$/.test(key) || schema.knows(key)) continue;
    if (schema.spec.generated?.includes(key)) continue;
    const near = nearest(key, [...new Set([...Object.keys(schema.spec.options), ...Object.keys(schema.spec.aliases ?? {}), ...(schema.spec.required ?? [])])]);
    // a value with references is there for them (`depends = ${x:y}` orders parts);
    // a template may read any option of its section
    if (!near.length && (entry.value.includes('${') || schema.spec.templateReadsOptions)) continue;
    out.push({
      key,
      report: {
        message: `[${name}] sets '${key}', which ${model.recipe(name)} does not read and nothing references`,
        span: entryKeySpan(entry),
        certainty: near.length ? 'definite' : 'unverifiable',
        hint: near.length ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : undefined,
      },
    });
  }
  return out;
}

export const unknownRecipeOption: Rule = {
  meta: {
    id: 'unknown-recipe-option',
    description: 'An option the section\'s recipe does not read and nothing references (a likely typo).',
    defaultSeverity: 'warning',
    scope: 'profile',
    details:
      'Only for recipes whose options the schemas list (not for recipes that take any option, such as slapos.recipe.build or ' +
      'mkdirectory). An option other sections reference is data, not a mistake. Warning when the name is close to an option of the ' +
      'recipe; otherwise info (the schema may not know every option).',
  },
  create(context) {
    return {
      profile(model) {
        if (!model.assembled) return;
        let used: Set<string> | undefined;
        for (const name of model.sectionNames()) {
          for (const c of candidates(model, name)) {
            used ??= usedOptions(model);
            // read by name somewhere (this section, or a section using it as a macro)
            if (used.has(name + '\0' + c.key) || used.has(c.key)) continue;
            context.report(c.report);
          }
        }
      },
    };
  },
};
