// Section conditions, `[name: CONDITION]`
// (docs/buildout-language.md#conditional-sections): `\x23`/`\x3b` escapes
// undone, then tried as a PEP 508 marker (zc.buildout ≥ 3.0), else evaluated
// as the Python expression `[CONDITION]` whose first item decides. Python is
// evaluated by tsbuildout's own safe evaluator against the target environment;
// nothing is run.
import { BuildoutError } from '../parser/diagnostic.ts';
import type { HeaderNode } from '../parser/tree.ts';
import type { TargetEnvironment } from './environment.ts';
import type { ConditionEvaluator } from './files.ts';
import { evaluateMarker, MarkerError, parseMarker } from './markers.ts';
import { evaluatePythonCondition } from './python-condition.ts';
import type { Semantics } from './semantics.ts';

export class Conditions implements ConditionEvaluator {
  constructor(
    private readonly semantics: Semantics,
    readonly environment: TargetEnvironment,
  ) {}

  /** Conditions repeat across files (`python2`, `bits32`, …) and depend only on the environment. */
  private readonly known = new Map<string, boolean>();

  evaluate(header: HeaderNode): boolean {
    const text = header.condition!.text.replaceAll('\\x23', '#').replaceAll('\\x3b', ';');
    const known = this.known.get(text);
    if (known !== undefined) return known;
    const value = this.decide(text, header);
    this.known.set(text, value);
    return value;
  }

  private decide(text: string, header: HeaderNode): boolean {
    try {
      if (this.semantics.markers) {
        const marker = parseMarker(text);
        if (marker) return evaluateMarker(marker, this.markerEnvironment());
      }
      return evaluatePythonCondition('[' + text + ']', this.semantics, this.environment);
    } catch (e) {
      if (e instanceof BuildoutError) throw e;
      const message = e instanceof MarkerError || e instanceof Error ? e.message : String(e);
      throw new BuildoutError({
        severity: 'error',
        rule: 'condition',
        message: `cannot evaluate the condition of [${header.name}]: ${message}`,
        span: header.condition!.span,
        hint: 'zc.buildout evaluates conditions as PEP 508 markers or Python expressions; see --env to choose the target environment',
      });
    }
  }

  private markerEnvironment(): Record<string, string> {
    return markerEnvironment(this.environment);
  }
}

/** PEP 508's evaluation environment for a target (also the markers of eggs' requires.txt). */
export function markerEnvironment(env: TargetEnvironment): Record<string, string> {
  const py = env.pythonFacts();
  const full = py.version.join('.') + (py.releaseLevel === 'final' ? '' : py.releaseLevel[0]! + py.serial);
  return {
    implementation_name: py.implementation,
    implementation_version: full,
    os_name: env.osName(),
    platform_machine: env.machine(),
    platform_release: env.release(),
    platform_system: env.system(),
    platform_version: env.version(),
    python_full_version: full,
    platform_python_implementation: py.implementation === 'cpython' ? 'CPython' : py.implementation === 'pypy' ? 'PyPy' : py.implementation,
    python_version: `${py.version[0]}.${py.version[1]}`,
    sys_platform: env.sysPlatform(),
  };
}
