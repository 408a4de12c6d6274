// Every lint rule, in the order they are documented.
import type { Rule, RuleSetting } from '../types.ts';
import { circularReference } from './circular-reference.ts';
import { conditionError } from './condition-error.ts';
import { conditionUnknownName } from './condition-unknown-name.ts';
import { deprecatedRecipeOption } from './deprecated-recipe-option.ts';
import { extendsCycle } from './extends-cycle.ts';
import { insecureExtends } from './insecure-extends.ts';
import { invalidOption } from './invalid-option.ts';
import { invalidSubstitution } from './invalid-substitution.ts';
import { jinjaContext } from './jinja-context.ts';
import { jinjaSyntax } from './jinja-syntax.ts';
import { md5sumMismatch } from './md5sum-mismatch.ts';
import { minusEqualsAbsent } from './minus-equals-absent.ts';
import { missingExtends } from './missing-extends.ts';
import { missingRecipeOption } from './missing-recipe-option.ts';
import { partWithoutRecipe } from './part-without-recipe.ts';
import { partWithoutSection } from './part-without-section.ts';
import { plusEqualsWithoutBase } from './plus-equals-without-base.ts';
import { redundantOverride } from './redundant-override.ts';
import { resourceLimit } from './resource-limit.ts';
import { semanticsDivergence } from './semantics-divergence.ts';
import { sharedReferencesUnshared } from './shared-references-unshared.ts';
import { syntax } from './syntax.ts';
import { undefinedOption } from './undefined-option.ts';
import { undefinedSection } from './undefined-section.ts';
import { unknownRecipeOption } from './unknown-recipe-option.ts';
import { unusedSection } from './unused-section.ts';
import { urlWithoutMd5sum } from './url-without-md5sum.ts';

export const RULES: readonly Rule[] = [
  syntax,
  conditionUnknownName,
  conditionError,
  missingExtends,
  extendsCycle,
  insecureExtends,
  invalidOption,
  undefinedSection,
  undefinedOption,
  circularReference,
  resourceLimit,
  invalidSubstitution,
  partWithoutSection,
  partWithoutRecipe,
  missingRecipeOption,
  unknownRecipeOption,
  deprecatedRecipeOption,
  unusedSection,
  redundantOverride,
  plusEqualsWithoutBase,
  minusEqualsAbsent,
  md5sumMismatch,
  urlWithoutMd5sum,
  jinjaSyntax,
  jinjaContext,
  sharedReferencesUnshared,
  semanticsDivergence,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

const SETTINGS = ['off', 'info', 'warning', 'error'];

/**
 * Rule settings written `ID=SEVERITY,…` (`all` for every rule), as `--rule`
 * and the editor settings take them, added to `into`. Throws an Error
 * whose message says what is wrong.
 */
export function parseRuleSettings(spec: string, into: Record<string, RuleSetting> = {}): Record<string, RuleSetting> {
  for (const item of spec.split(',')) {
    const m = /^\s*([\w-]+)\s*[=:]\s*(\w+)\s*$/.exec(item);
    if (!m) throw new Error(`--rule: expected ID=off|info|warning|error, got '${item}'`);
    if (m[1] !== 'all' && !ruleById(m[1]!)) throw new Error(`--rule: unknown rule '${m[1]}' (see tsbuildout lint --list-rules)`);
    if (!SETTINGS.includes(m[2]!)) throw new Error(`--rule ${m[1]}: expected off, info, warning or error, got '${m[2]}'`);
    if (m[1] === 'all') for (const r of RULES) into[r.meta.id] = m[2] as RuleSetting;
    else into[m[1]!] = m[2] as RuleSetting;
  }
  return into;
}
