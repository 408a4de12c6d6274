// Jinja2 templates for the jinja rules: parsed once (per text and set of
// extensions) with the project's Jinja2 parser, and the names a template
// reads that it does not define itself.
import { EXTENSION_TAGS, findAll, Parser, TemplateSyntaxError, type TagParser, type TemplateNode as Template } from '../jinja/index.ts';
import { PyException } from '../python/index.ts';

export interface ParsedTemplate {
  template?: Template;
  error?: { message: string; lineno: number };
}

const cache = new Map<string, ParsedTemplate>();

/** Extensions named in a jinja2 section's `extensions` option (unknown ones ignored). */
export function extensionTags(names: string[]): Map<string, TagParser> {
  const tags = new Map<string, TagParser>();
  for (const n of names) for (const [tag, p] of Object.entries(EXTENSION_TAGS[n] ?? {})) tags.set(tag, p);
  return tags;
}

export function parseTemplate(text: string, name: string, extensions: string[]): ParsedTemplate {
  const key = extensions.slice().sort().join(' ') + '\0' + name + '\0' + text;
  const known = cache.get(key);
  if (known) return known;
  let out: ParsedTemplate;
  try {
    out = { template: new Parser(text, name, { extensions: extensionTags(extensions) }).parse() };
  } catch (e) {
    if (e instanceof TemplateSyntaxError) out = { error: { message: e.message, lineno: e.lineno } };
    else if (e instanceof PyException) out = { error: { message: e.toString(), lineno: 1 } };
    else throw e;
  }
  if (cache.size > 2000) cache.clear();
  cache.set(key, out);
  return out;
}

/** Names Jinja2 itself provides to every template. */
const JINJA_GLOBALS = new Set(['range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace', 'loop', 'caller', 'varargs', 'kwargs', 'self', 'super', 'true', 'false', 'none', 'True', 'False', 'None']);

/** Globals slapos.recipe.template:jinja2 adds (docs/jinja2.md#the-rendering-environment). */
export const RECIPE_GLOBALS = new Set(
  (
    'abs all any bin bool bytes callable chr complex dict divmod enumerate filter float format frozenset hex int isinstance iter len ' +
    'list map max min next oct ord pow range repr reversed round set sorted str sum tuple zip six assert dumps'
  ).split(' '),
);

/** The names a template reads and does not define, each with the first line that reads it. */
export function freeTemplateNames(t: Template): Map<string, number> {
  const defined = new Set<string>();
  for (const n of findAll(t, 'Name')) if (n.ctx !== 'load') defined.add(n.name);
  for (const m of findAll(t, 'Macro')) defined.add(m.name);
  for (const i of findAll(t, 'Import')) defined.add(i.target);
  for (const i of findAll(t, 'FromImport')) for (const n of i.names) defined.add(typeof n === 'string' ? n : n[1]);
  // `x is defined`, `x | default(…)`: reading an undefined name there is fine
  for (const test of findAll(t, 'Test')) if ((test.name === 'defined' || test.name === 'undefined') && test.node.type === 'Name') defined.add(test.node.name);
  for (const f of findAll(t, 'Filter')) if ((f.name === 'default' || f.name === 'd') && f.node?.type === 'Name') defined.add(f.node.name);
  const out = new Map<string, number>();
  for (const n of findAll(t, 'Name')) {
    if (n.ctx !== 'load' || defined.has(n.name) || JINJA_GLOBALS.has(n.name) || RECIPE_GLOBALS.has(n.name)) continue;
    if (!out.has(n.name)) out.set(n.name, n.lineno);
  }
  return out;
}
