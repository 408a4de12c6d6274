// Completion: sections after `${` and `[`, options after `${section:`
// (those the profile sets and those its recipe sets), a recipe's options
// (from its schema) as keys inside its section, recipe names after
// `recipe =`, profile files in `extends`, sections in `parts` and `<=`,
// and in a Jinja2 template the variables the rendering part's `context`
// gives, inside `{{ }}` and `{% %}`.
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';
import { defaultOptionNames } from '../profile/assemble.ts';
import { semantics } from '../profile/semantics.ts';
import { PROFILE_NAME } from '../lint/discover.ts';
import { SLAPGRID_TAIL, type ProfileModel } from '../lint/model.ts';
import { recipeSchema } from '../lint/recipe-schema.ts';
import { hasPlaceholder } from '../lint/template.ts';
import type { LintFile } from '../lint/workspace.ts';
import { namedSchemas } from '../recipes/schema-registry.ts';
import { optionAt, recipeIn, sectionAt } from './cursor.ts';
import { showValue } from './hover.ts';
import type { Project } from './project.ts';
import { entriesOf, renderersOf } from './templates.ts';

function sections(model: ProfileModel | undefined, file: LintFile, filter: (s: string) => boolean = () => true): CompletionItem[] {
  const names = new Set<string>(model ? model.sectionNames() : []);
  for (const o of file.tree.nodes) if (o.kind === 'header') names.add(o.name);
  const out: CompletionItem[] = [];
  for (const n of names) {
    if (hasPlaceholder(n) || !filter(n)) continue;
    const recipe = model?.recipe(n);
    out.push({ label: n, kind: CompletionItemKind.Module, ...(recipe ? { detail: recipe } : {}) });
  }
  if (file.kind === 'template') for (const n of Object.keys(SLAPGRID_TAIL)) if (!names.has(n)) out.push({ label: n, kind: CompletionItemKind.Module, detail: 'appended by slapgrid' });
  return out;
}

function options(model: ProfileModel | undefined, section: string): CompletionItem[] {
  if (!model) return [];
  const out = new Map<string, CompletionItem>();
  const ex = model.expanded(section);
  for (const [k, e] of ex?.section ?? []) {
    if (k === '<' || hasPlaceholder(k)) continue;
    out.set(k, { label: k, kind: CompletionItemKind.Property, detail: showValue(e.value.split('\n')[0] ?? '') });
  }
  const schema = model.schema(section);
  for (const g of schema?.spec.generated ?? []) if (!out.has(g)) out.set(g, { label: g, kind: CompletionItemKind.Property, detail: `set by ${model.recipe(section)}` });
  if (!ex && SLAPGRID_TAIL[section]) for (const o of SLAPGRID_TAIL[section]!) out.set(o, { label: o, kind: CompletionItemKind.Property, detail: 'slapgrid' });
  if (ex) out.set('_buildout_section_name_', { label: '_buildout_section_name_', kind: CompletionItemKind.Property, detail: section });
  return [...out.values()];
}

function recipeNames(): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const { names, schema } of namedSchemas()) {
    for (const n of names) out.push({ label: n, kind: CompletionItemKind.Value, ...(schema.doc ? { documentation: { kind: 'markdown', value: schema.doc } } : {}) });
  }
  return out;
}

/** Profile files for `extends`, relative to the file: beside it and below (3 levels), and in the two folders above. */
function profileFiles(path: string): CompletionItem[] {
  const out: string[] = [];
  const here = dirname(path);
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= 400 || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth > 0) walk(p, depth - 1);
      } else if (PROFILE_NAME.test(e.name) && p !== path) out.push(relative(here, p));
    }
  };
  walk(here, 3);
  walk(dirname(here), 2);
  walk(dirname(dirname(here)), 2);
  return [...new Set(out)].map((label) => ({ label, kind: CompletionItemKind.File }));
}

function keys(model: ProfileModel | undefined, file: LintFile, section: string): CompletionItem[] {
  const present = new Set<string>();
  for (const [k] of model?.expanded(section)?.section ?? []) present.add(k);
  const out: CompletionItem[] = [];
  if (section === 'buildout') {
    for (const k of ['extends', 'parts', ...defaultOptionNames(model?.semantics ?? semantics('slapos'))]) {
      if (!present.has(k) || k === 'extends' || k === 'parts') out.push({ label: k, kind: CompletionItemKind.Property });
    }
    return out;
  }
  const recipe = model?.recipe(section) ?? undefined;
  const schema = recipe ? recipeSchema(recipe) : undefined;
  if (!present.has('recipe') && recipeIn(file, section) === undefined) {
    out.push({ label: 'recipe', kind: CompletionItemKind.Property });
  }
  for (const [k, o] of Object.entries(schema?.spec.options ?? {})) {
    if (present.has(k)) continue;
    out.push({
      label: k,
      kind: CompletionItemKind.Property,
      ...(o.deprecated ? { tags: [1] } : {}),
      detail: recipe!,
      ...(o.doc ? { documentation: { kind: 'markdown', value: o.doc + (o.default !== undefined ? ` (default ${o.default})` : '') } } : {}),
      insertText: `${k} = `,
    });
  }
  return out;
}

export async function complete(project: Project, model: ProfileModel | undefined, file: LintFile, p: Position): Promise<CompletionItem[]> {
  const text = file.lines[p.line] ?? '';
  const before = text.slice(0, p.character);
  const line = p.line + 1;
  let m = /\$\{([-a-zA-Z0-9 ._]*):[-a-zA-Z0-9 ._]*$/.exec(before);
  if (m) return options(model, m[1] || (sectionAt(file, line) ?? ''));
  if (/\$\{[-a-zA-Z0-9 ._]*$/.test(before)) return sections(model, file);
  if (/^\[[^\]]*$/.test(before)) return sections(model, file);
  if (file.template?.jinja && /(\{\{|\{%)(?![\s\S]*(\}\}|%\}))[^]*$/.test(before)) {
    const out = new Map<string, CompletionItem>();
    for (const r of await renderersOf(project, file.path)) {
      for (const e of entriesOf(r.model, r.part.section, 'context')) out.set(e.name, { label: e.name, kind: CompletionItemKind.Variable, detail: `${e.type} ${e.expression} ([${r.part.section}])` });
    }
    return [...out.values()];
  }
  const section = sectionAt(file, line);
  if (section === undefined) return [];
  const node = optionAt(file, line);
  const inValue = node && (line > node.line || before.includes('='));
  if (node && inValue) {
    if (node.name === 'recipe') return recipeNames();
    if (node.name === 'extends' && section === 'buildout') return profileFiles(file.path);
    if (node.name === 'parts' && section === 'buildout') return sections(model, file, (s) => !!model?.recipe(s));
    if (node.name === '<' || node.name === '<part-dependencies>') return sections(model, file);
    return [];
  }
  if (/^[-a-zA-Z0-9._]*$/.test(before)) return keys(model, file, section);
  return [];
}
