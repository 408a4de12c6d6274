// shared-references-unshared: a `shared = true` part that refers to the
// location of a part that is not shared (the shared part would embed a
// path of one software release: SlapOS's checkSoftware rejects it).
import type { Rule } from '../types.ts';
import type { ModelReference, ProfileModel } from '../model.ts';
import { pyStrip } from '../../python/index.ts';

function isShared(model: ProfileModel, section: string): boolean {
  if (!model.expanded(section)?.section.has('shared')) return false;
  const v = model.value(section, 'shared');
  return v !== undefined && ['true', 'yes', '1', 'on'].includes(pyStrip(v).toLowerCase());
}

export const sharedReferencesUnshared: Rule = {
  meta: {
    id: 'shared-references-unshared',
    description: 'A shared = true part refers to the location of a part that is not shared.',
    defaultSeverity: 'warning',
    scope: 'profile',
    details: 'Followed through sections without a recipe (data sections). The check of slapos.core\'s checkSoftware, done statically.',
  },
  create(context) {
    return {
      profile(model) {
        if (!model.assembled) return;
        for (const name of model.sectionNames()) {
          context.section(model, name, () => {
            if (!isShared(model, name)) return;
            for (const r of model.ownReferences(name)) {
              const seen = new Set<string>();
              const walk = (ref: ModelReference, via: string[]): void => {
                if (ref.wildcard || ref.ref.problem || seen.has(ref.target + '\0' + ref.ref.option)) return;
                seen.add(ref.target + '\0' + ref.ref.option);
                const recipe = model.recipe(ref.target);
                if (recipe) {
                  const schema = model.schema(ref.target);
                  if (ref.ref.option === 'location' && schema?.spec.generated?.includes('location') && !isShared(model, ref.target)) {
                    context.report({
                      message: `[${name}] is shared but refers to the location of [${ref.target}], which is not shared${via.length ? ` (through ${via.join(' -> ')})` : ''}`,
                      span: r.span,
                      certainty: model.certaintyIn(name),
                      hint: `make [${ref.target}] shared too (shared = true), or do not embed its path`,
                    });
                  }
                  return;
                }
                // a data section: follow what its option refers to
                for (const next of model.ownReferences(ref.target)) {
                  if (next.option === ref.ref.option) walk(next, [...via, `\${${ref.target}:${ref.ref.option}}`]);
                }
              };
              walk(r, []);
            }
          });
        }
      },
    };
  },
};
