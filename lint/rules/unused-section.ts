// unused-section: a section of the linted file that nothing uses: not a
// part, not reached from one, not referenced, not a macro.
import type { Rule } from '../types.ts';
import { hasPlaceholder } from '../template.ts';
import { SLAPGRID_TAIL } from '../model.ts';
import { contextSections } from '../../recipes/jinja2/context.ts';

export const unusedSection: Rule = {
  meta: {
    id: 'unused-section',
    description: 'A section of the linted file that no part reaches, nothing references and no section uses as a macro.',
    defaultSeverity: 'info',
    scope: 'profile',
    details:
      'Only sections defined in the profile being linted are reported (a component file defines sections for the profiles that ' +
      'extend it). Code run by recipes (slapos.recipe.build) may still read a section: hence info.',
  },
  create(context) {
    return {
      profile(model) {
        if (!model.assembled || (model.isTemplate && model.open)) return;
        // only a profile meant to be run (it lists its parts) has unused sections; a
        // component or a buildout.hash.cfg defines sections for the profiles extending it
        const own = model.workspace.sections(model.root, model.semantics).sections.get('buildout');
        if (!own || ![...own.options.keys()].some((k) => k === 'parts' || k.startsWith('parts ') || k === 'parts+')) return;
        const used = new Set<string>(model.reached());
        for (const r of model.references()) used.add(r.target);
        for (const b of model.macroBases()) used.add(b);
        for (const name of model.sectionNames()) {
          const ctx = model.raw.get(name)?.get('context');
          if (ctx) for (const u of contextSections(ctx.value, undefined, 'context')) if (u.section) used.add(u.section);
          // names mentioned in values: switch-softwaretype targets, publish -extends, code
          for (const [, e] of model.raw.get(name)!) for (const w of e.value.split(/[\s:'"[\]]+/)) if (w) used.add(w);
        }
        for (const node of model.root.tree.nodes) {
          if (node.kind !== 'header' || used.has(node.name) || hasPlaceholder(node.name) || node.name in SLAPGRID_TAIL) continue;
          if (!model.raw.has(node.name) || node.name === 'versions') continue;
          used.add(node.name);
          context.report({
            message: `[${node.name}] is not used: no part reaches it, nothing references it, no section extends it`,
            span: node.nameSpan,
            hint: 'add it to parts, reference it, or remove it',
          });
        }
      },
    };
  },
};
