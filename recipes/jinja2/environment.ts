// The rendering environment of slapos.recipe.template:jinja2
// (docs/jinja2.md#the-rendering-environment): Jinja2 with StrictUndefined, the
// requested extensions only, the import-list loader, and a render context made
// of the recipe's defaults (Python builtins, six, assert, dumps) and the
// part's context entries. The defaults are render variables, not environment
// globals: a template imported without context does not see them, as in
// Python.
import { Environment, RECIPE_BUILTIN_NAMES, recipeBuiltinGlobals, type Loader } from '../../jinja/index.ts';
import { importModule, PyException, PyFunction, pySplitWhitespace, PyTuple, repr, str, truthy, type PyValue } from '../../python/index.ts';
import { dumps } from '../../profile/values.ts';

/** `_assert(x, *args)`: '' when x is true, else AssertionError(*args). */
export const assertFunction = new PyFunction(
  '_assert',
  (args) => {
    if (args.length === 0) throw new PyException('TypeError', "_assert() missing 1 required positional argument: 'x'");
    if (truthy(args[0]!)) return '';
    const rest = args.slice(1);
    throw new PyException('AssertionError', rest.length === 0 ? '' : rest.length === 1 ? str(rest[0]!) : repr(new PyTuple(rest)));
  },
  'function',
);

/** The fork's zc.buildout.buildout.dumps. */
export const dumpsFunction = new PyFunction(
  'dumps',
  (args, kwargs) => {
    if (kwargs.size) throw new PyException('TypeError', `dumps() got an unexpected keyword argument '${[...kwargs.keys()][0]}'`);
    if (args.length !== 1) throw new PyException('TypeError', `dumps() takes 1 positional argument but ${args.length} were given`);
    return dumps(args[0]!);
  },
  'function',
);

/** complex() is in the recipe's list; the value model has no complex numbers. */
const complexStub = new PyFunction('complex', () => {
  throw new PyException('NotImplementedError', 'complex numbers are not supported by tsbuildout');
});

/** The names the recipe defines before the context (a context entry may not reuse them). */
export const RECIPE_DEFAULT_NAMES: ReadonlySet<string> = new Set([...RECIPE_BUILTIN_NAMES, 'complex', 'six', 'assert', 'dumps']);

/** DEFAULT_CONTEXT + dumps: a fresh map (render variables). */
export function recipeDefaults(): Map<string, PyValue> {
  const m = recipeBuiltinGlobals();
  m.set('complex', complexStub);
  m.set('six', importModule('six')!);
  m.set('assert', assertFunction);
  m.set('dumps', dumpsFunction);
  return m;
}

/** The `extensions` option: whitespace-separated names. */
export function parseExtensions(text: string | undefined): string[] {
  return pySplitWhitespace(text ?? '');
}

export function recipeEnvironment(extensions: readonly string[], loader: Loader | null): Environment {
  return new Environment({ undefined: 'strict', extensions, loader });
}
