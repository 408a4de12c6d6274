// Every lint rule, in the order they are documented.
import type { Rule } from '../types.ts';
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
