// Python section conditions, evaluated with tsbuildout's Python expression
// evaluator (python/) against the target environment.
import type { TargetEnvironment } from './environment.ts';
import type { Semantics } from './semantics.ts';

export function evaluatePythonCondition(text: string, _semantics: Semantics, _env: TargetEnvironment): boolean {
  throw new Error(`Python conditions are not supported yet: ${text}`);
}
