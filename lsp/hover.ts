// Hover: for an option or a `${section:option}`, the value resolved as
// buildout would resolve it without running recipes (the lint model's
// tolerant resolver), the raw value when it differs, and the steps that
// built it, each with its file and line (`=`, `+=`, `-=`, `<=` macro,
// buildout's defaults); for a section, its recipe and where it is defined;
// for a recipe, its documentation and options from its schema.
import { dirname, relative } from 'node:path';
import { BuildoutError } from '../parser/diagnostic.ts';
import { steps } from '../profile/entry.ts';
import { macroSteps } from '../profile/macros.ts';
import { stepOf } from '../inspect/explain.ts';
import { sectionOccurrences, SLAPGRID_TAIL, UNKNOWN, type ProfileModel } from '../lint/model.ts';
import { recipeSchema } from '../lint/recipe-schema.ts';
import { PLACEHOLDER } from '../lint/template.ts';
import type { RecipeSchema } from '../recipes/schema.ts';
import type { Hover, Range } from 'vscode-languageserver';
import { toRange } from './convert.ts';
import type { Target } from './cursor.ts';
import { definition } from './definition.ts';
import type { Project } from './project.ts';
import { entriesOf, renderersOf } from './templates.ts';

/** A value for people: what is unknown without running buildout, and template expressions, shown as such. */
export function showValue(v: string): string {
  return v.replaceAll(UNKNOWN, '⟨unknown until run⟩').replaceAll(PLACEHOLDER, '{{…}}');
}

function fence(v: string): string {
  const longest = Math.max(2, ...[...v.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}text\n${v === '' ? '(empty)' : v}\n${f}`;
}

function place(model: ProfileModel, file: string, line?: number): string {
  const base = dirname(model.root.path);
  const r = /^[a-z]+:\/\//.test(file) ? file : relative(base, file) || file;
  return line === undefined ? r : `${r}:${line}`;
}

const OPS = { SET: '=', OVERRIDE: '= (overrides)', ADD: '+=', REMOVE: '-=', DIRECTORY: 'made absolute' } as const;

/** The value of `[section] option` and how it was built. */
export function valueHover(model: ProfileModel, section: string, option: string): string {
  const out: string[] = [`**[${section}] ${option}**`];
  const ex = model.expanded(section);
  const entry = ex?.section.get(option);
  const recipe = model.recipe(section);
  const schema = recipe ? recipeSchema(recipe) : undefined;
  if (!ex) {
    if (SLAPGRID_TAIL[section]) out.push(`slapgrid appends [${section}] to instance profiles; ${option} is ${SLAPGRID_TAIL[section]!.includes(option) ? 'one of its options' : 'not one of its options'}.`);
    else out.push(`There is no section [${section}] in ${place(model, model.root.path)} and what it extends.`);
    return out.join('\n\n');
  }
  let resolved: string | undefined;
  let error: string | undefined;
  if (model.resolver) {
    try {
      resolved = model.resolver.section(section).get(option);
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      error = e.primary.message;
    }
  }
  if (!entry) {
    const gen = schema?.generates(option, model.optionReader(section));
    if (gen === true) out.push(`Set by its recipe, ${recipe}, when buildout initialises [${section}].`);
    else if (typeof gen === 'string') out.push(`Not set in the profile; it may be set at run time: ${gen}.`);
    else out.push(`[${section}] has no option ${option}.`);
    const doc = schema?.spec.options[option]?.doc;
    if (doc) out.push(doc);
    return out.join('\n\n');
  }
  if (resolved !== undefined) out.push(fence(showValue(resolved)));
  if (error) out.push(`Cannot be resolved: ${error}`);
  if (entry.value !== resolved) out.push(`Raw:\n\n${fence(showValue(entry.value))}`);
  const fromMacro = model.buildout ? macroSteps(model.buildout, model.raw.get(section), option) : new Map();
  const lines: string[] = [];
  for (const s of steps(entry)) {
    const x = stepOf(s);
    const where = x.kind === 'file' ? place(model, x.file!, x.line) : x.kind === 'command-line' ? 'the command line' : x.kind === 'default' ? "buildout's default" : x.kind === 'computed' ? 'computed by buildout' : 'implicit';
    const macro = fromMacro.get(s);
    lines.push(`- \`${OPS[s.op]}\` ${where}${macro ? ` (through \`<= ${macro}\`)` : ''}`);
  }
  if (lines.length) out.push(`Built by:\n${lines.join('\n')}`);
  const doc = schema?.spec.options[option]?.doc;
  if (doc) out.push(`${recipe}: ${doc}${schema!.spec.options[option]!.deprecated ? ` (deprecated: use ${schema!.spec.options[option]!.deprecated})` : ''}`);
  return out.join('\n\n');
}

/** A section: its recipe and where it is defined. */
export function sectionHover(model: ProfileModel, section: string): string {
  const out: string[] = [`**[${section}]**`];
  const ex = model.expanded(section);
  if (!ex) {
    out.push(SLAPGRID_TAIL[section] ? `Appended by slapgrid to instance profiles, with ${SLAPGRID_TAIL[section]!.join(', ')}.` : `Not defined in ${place(model, model.root.path)} and what it extends.`);
    return out.join('\n\n');
  }
  const recipe = model.recipe(section);
  if (recipe) {
    const doc = recipeSchema(recipe)?.spec.doc;
    out.push(`recipe \`${recipe}\`${doc ? `: ${doc}` : ''}`);
  }
  const headers = sectionOccurrences(model, section).occurrences.filter((o) => o.kind === 'header');
  if (headers.length) out.push(`Defined at ${headers.map((o) => place(model, o.span.file, o.span.line)).join(', ')}`);
  const macro = ex.section.get('<') ?? model.raw.get(section)?.get('<');
  if (macro) out.push(`Extends \`<= ${macro.value.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')}\``);
  const keys = [...ex.section.keys()].filter((k) => k !== '<');
  out.push(`${keys.length} option${keys.length === 1 ? '' : 's'}: ${keys.slice(0, 30).map((k) => `\`${k}\``).join(', ')}${keys.length > 30 ? ', …' : ''}`);
  if (model.parts().includes(section)) out.push('A part (listed in `[buildout] parts`).');
  return out.join('\n\n');
}

/** A recipe: its documentation and options, from its schema. */
export function recipeHover(recipe: string): string {
  const schema = recipeSchema(recipe);
  if (!schema) return `**${recipe}**\n\ntsbuildout has no schema for this recipe: its options are not known.`;
  return `**${recipe}**\n\n${recipeDoc(schema.spec)}`;
}

export function recipeDoc(spec: RecipeSchema): string {
  const out: string[] = [];
  if (spec.doc) out.push(spec.doc);
  const required = new Set(spec.required ?? []);
  const opts = Object.entries(spec.options).map(
    ([k, o]) => `- \`${k}\`${required.has(k) ? ' (required)' : ''}${o.doc ? `: ${o.doc}` : ''}${o.default !== undefined ? ` (default ${o.default})` : ''}${o.deprecated ? ` (deprecated: use ${o.deprecated})` : ''}`,
  );
  if (opts.length) out.push(`Options:\n${opts.join('\n')}`);
  for (const g of spec.oneOf ?? []) out.push(`One of ${g.map((o) => `\`${o}\``).join(', ')} is required.`);
  if (spec.generated?.length) out.push(`Sets: ${spec.generated.map((o) => `\`${o}\``).join(', ')}`);
  if (spec.anyOptions) out.push('Takes any option.');
  return out.join('\n\n');
}

/** The hover of what is under the cursor. */
export async function hoverAt(project: Project, path: string, model: ProfileModel | undefined, t: Target): Promise<Hover | null> {
  let text: string | undefined;
  let range: Range;
  switch (t.kind) {
    case 'reference':
      if (model) text = t.on === 'section' ? sectionHover(model, t.section) : valueHover(model, t.section, t.option);
      range = toRange(t.occurrence.span);
      break;
    case 'key':
      if (model) text = valueHover(model, t.section, t.option);
      range = toRange(t.occurrence.optionSpan ?? t.occurrence.span);
      break;
    case 'section':
      if (model) text = sectionHover(model, t.section);
      range = toRange(t.occurrence.sectionSpan ?? t.occurrence.span);
      break;
    case 'recipe':
      text = recipeHover(t.recipe);
      range = toRange(t.span);
      break;
    case 'template-file':
    case 'extends': {
      const d = await definition(project, model, path, t);
      if (t.kind === 'template-file') text = model ? valueHover(model, t.section, t.option) : undefined;
      else text = d.length ? `\`${d[0]!.file}\`` : `${t.name}: not a local file that exists`;
      range = toRange(t.span);
      break;
    }
    case 'jinja-name': {
      const lines: string[] = [];
      for (const r of await renderersOf(project, path)) {
        for (const e of entriesOf(r.model, r.part.section, 'context')) {
          if (e.name !== t.name) continue;
          lines.push(`**${t.name}**: \`${e.type} ${e.name} ${e.expression}\` in [${r.part.section}] of ${r.model.root.path}`);
          const [s, o] = e.expression.split(':');
          if ((e.type === 'key' || e.type === 'jsonkey') && o !== undefined) lines.push(valueHover(r.model, s || r.part.section, o));
          else if (e.type === 'raw') lines.push(`\`\`\`text\n${e.expression}\n\`\`\``);
        }
      }
      if (lines.length) text = lines.join('\n\n');
      range = toRange(t.span);
      break;
    }
    case 'jinja-import': {
      const d = await definition(project, model, path, t);
      text = d.length ? `\`${d[0]!.file}\`` : `${t.name}: not found in the import-list of the parts rendering this template`;
      range = toRange(t.span);
      break;
    }
  }
  return text ? { contents: { kind: 'markdown', value: text }, range } : null;
}
