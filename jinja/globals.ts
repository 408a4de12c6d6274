// The default template globals of Jinja2: range, dict, lipsum, cycler,
// joiner, namespace.

import { bindPython, builtins, intArg, pyCapitalize, PyFunction, truthy, type PyValue } from '../python/index.ts';
import { Markup, escape } from './runtime/markup.ts';
import { cyclerClass, joinerClass, namespaceClass } from './runtime/objects.ts';

// A word list for placeholder text (lipsum output is random anyway).
const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo ' +
  'consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint ' +
  'occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum curabitur pretium ' +
  'tincidunt lacus nunc viverra imperdiet enim fusce est vivamus a tellus pellentesque habitant morbi tristique ' +
  'senectus netus malesuada fames ac turpis egestas proin pharetra nonummy pede mauris et orci aenean nec lorem'
).split(' ');

const randrange = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

/** generate_lorem_ipsum(n=5, html=True, min=20, max=100) */
function lipsum(n: number, html: boolean, min: number, max: number): PyValue {
  const result: string[] = [];
  for (let k = 0; k < n; k++) {
    let nextCapitalized = true;
    let lastComma = 0;
    let lastFullstop = 0;
    let last: string | null = null;
    const p: string[] = [];
    const count = randrange(min, max);
    for (let idx = 0; idx < count; idx++) {
      let word: string;
      do word = WORDS[randrange(0, WORDS.length)]!;
      while (word === last);
      last = word;
      if (nextCapitalized) {
        word = pyCapitalize(word);
        nextCapitalized = false;
      }
      if (idx - randrange(3, 8) > lastComma) {
        lastComma = idx;
        lastFullstop += 2;
        word += ',';
      }
      if (idx - randrange(10, 20) > lastFullstop) {
        lastComma = lastFullstop = idx;
        word += '.';
        nextCapitalized = true;
      }
      p.push(word);
    }
    let text = p.join(' ');
    if (text.endsWith(',')) text = text.slice(0, -1) + '.';
    else if (!text.endsWith('.')) text += '.';
    result.push(text);
  }
  if (!html) return result.join('\n\n');
  return new Markup(result.map((x) => `<p>${escape(x).text}</p>`).join('\n'));
}

export const lipsumFunction = new PyFunction('generate_lorem_ipsum', (args, kwargs) => {
  const b = bindPython('generate_lorem_ipsum', [
    { name: 'n', optional: true }, { name: 'html', optional: true }, { name: 'min', optional: true }, { name: 'max', optional: true },
  ], args, kwargs);
  return lipsum(
    Number(intArg(b.get('n') ?? 5n)),
    truthy(b.get('html') ?? true),
    Number(intArg(b.get('min') ?? 20n)),
    Number(intArg(b.get('max') ?? 100n)),
  );
}, 'function');

export const DEFAULT_GLOBALS: ReadonlyMap<string, PyValue> = new Map<string, PyValue>([
  ['range', builtins.get('range')!],
  ['dict', builtins.get('dict')!],
  ['lipsum', lipsumFunction],
  ['cycler', cyclerClass],
  ['joiner', joinerClass],
  ['namespace', namespaceClass],
]);

/**
 * The Python builtins slapos.recipe.template:jinja2 puts into templates'
 * globals (its list, minus `complex`, which the value model does not have).
 * The recipe also adds `six`, `assert` and `dumps`: they belong to it.
 */
export const RECIPE_BUILTIN_NAMES = (
  'abs all any bin bool bytes callable chr dict divmod enumerate filter float format frozenset hex int ' +
  'isinstance iter len list map max min next oct ord pow range repr reversed round set sorted str sum tuple zip'
).split(' ');

export function recipeBuiltinGlobals(): Map<string, PyValue> {
  const m = new Map<string, PyValue>();
  for (const name of RECIPE_BUILTIN_NAMES) m.set(name, builtins.get(name)!);
  return m;
}
