// Template recipes that expand buildout substitutions (`${section:option}`,
// `$${` for a literal `${`) in a text and write the result.
//
// slapos.recipe.template (default entry,
// docs/slapos-recipes.md#slaposrecipetemplate): `url` (a path or URL, checked
// against `md5sum` when given), whose text is substituted when the section is
// initialised (every reference is a dependency of the part), or `inline`, an
// option value buildout already substituted. Install creates missing parent
// directories and writes `output`; a file that already has those bytes is left
// alone and only gets its mode fixed. Mode: `mode` (octal), else 0666, or 0777
// when the text starts with `#!`, less the umask. Returns [output]; update
// writes again (a no-op when nothing changed), or does nothing at all when
// `md5sum` pins the template.
//
// collective.recipe.template
// (docs/slapos-recipes.md#collectiverecipetemplate): `input` (a path or URL,
// or `inline:` followed by the text) or `url` (with `md5sum`), `output`,
// `mode`; without `mode` a file input's mode is copied. Substituted at init
// too; update = install.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pyLstrip } from '../python/index.ts';
import { RecipeError, type PartOptions, type RecipeContext, type RecipeModule } from './api.ts';
import { fetchOrStandIn, localPath } from './lib/download.ts';
import { modeOption, writeIfChanged } from './lib/files.ts';
import type { OptionSpec } from './schema.ts';


/** Substitute a template's text in the part's context; `$${` gives `${`. */
function render(options: PartOptions, text: string): string {
  return options.substitute(text).replaceAll('$${', '${');
}

/** A template's text; under --stub-software one that cannot be had is empty (lib/download.ts). */
function fetchText(location: string, md5sum: string | undefined, ctx: Pick<RecipeContext, 'name' | 'buildout' | 'logger'>): string {
  return (fetchOrStandIn(location, ctx, md5sum) ?? Buffer.alloc(0)).toString('utf8');
}

/** Write `text` to `output` (parents created); mode as described above. */
function writeOutput(output: string, text: string, mode: number | undefined): string {
  mkdirSync(dirname(output), { recursive: true });
  if (mode !== undefined) return writeIfChanged(output, text, mode);
  return writeIfChanged(output, text, text.startsWith('#!') ? 0o777 & ~currentUmask() : undefined);
}

let umask: number | undefined;
/** The process umask (read once: setting it back and forth is the only way to read it). */
function currentUmask(): number {
  if (umask === undefined) {
    umask = process.umask(0o022);
    process.umask(umask);
  }
  return umask;
}

/** The options both entries of slapos.recipe.template read (the default one and :jinja2). */
export const TEMPLATE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  url: { doc: 'the template: a path or URL, downloaded with buildout' },
  inline: { doc: 'the template text' },
  template: { doc: 'legacy: the template (a path, URL, or inline:text)', deprecated: 'url (or inline)' },
  output: { doc: 'the file to write' },
  rendered: { doc: 'legacy name of output', deprecated: 'output' },
  once: { doc: 'a marker path: render only when it does not exist' },
};

export const slaposTemplate: RecipeModule = {
  names: ['slapos.recipe.template'],
  // what it writes or fetches, instances read: it runs under --stub-software
  stubSoftware: 'renders',
  pureInit: true,
  schema: {
    doc: 'Writes `output` from a template expanded with buildout substitution (`${…}`, `$${` for a literal `${`).',
    options: {
      ...TEMPLATE_OPTIONS,
      md5sum: { doc: 'md5 of the template fetched from url; when given, update does nothing' },
      mode: { doc: 'octal mode of the output (default 0666, or 0777 for a #! script, less the umask)' },
    },
    oneOf: [['url', 'inline', 'template'], ['output', 'rendered']],
    aliases: { template: 'url', rendered: 'output' },
    generated: [],
    templateReadsOptions: true,
    templateFiles: ['url', 'template'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    const { name, options } = ctx;
    const inline = options.get('inline');
    // `inline` wins: a section may keep a `url` of its own as data (software/pureftpd)
    const url = inline === undefined ? options.get('url') : undefined;
    const md5sum = options.get('md5sum') || undefined;
    if (url === undefined && inline === undefined) throw new RecipeError(`[${name}] no template: give url or inline`);
    // buildout already substituted an inline text (the value of an option)
    const rendered = inline ?? render(options, fetchText(url!, md5sum, ctx));
    const output = options.require('output');
    const mode = modeOption(options, name);
    const install = () => [writeOutput(output, rendered, mode)];
    return { install, update: () => (md5sum ? undefined : install()) };
  },
};

export const collectiveTemplate: RecipeModule = {
  names: ['collective.recipe.template'],
  // what it writes or fetches, instances read: it runs under --stub-software
  stubSoftware: 'renders',
  pureInit: true,
  schema: {
    doc: 'Writes `output` from `input` (a file, a URL or inline:text) expanded with buildout substitution.',
    options: {
      input: { doc: 'the template: a path or URL, or `inline:` followed by the text' },
      url: { doc: 'the template URL' },
      inline: { doc: 'the template text (not supported by tsbuildout: use input = inline:…)' },
      md5sum: { doc: 'md5 of the template fetched from url' },
      output: { doc: 'the file written' },
      mode: { doc: "octal mode of the output (default: a file input's mode)" },
    },
    required: ['output'],
    oneOf: [['input', 'url', 'inline']],
    generated: [],
    templateReadsOptions: true,
    templateFiles: ['input', 'url'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    const { name, options, buildout } = ctx;
    const input = options.get('input');
    const url = options.get('url');
    const md5sum = options.get('md5sum') || undefined;
    if ((input === undefined) === (url === undefined)) throw new RecipeError(`[${name}] exactly one of input and url is required`);
    let text: string;
    let mode = modeOption(options, name);
    if (input !== undefined && input.startsWith('inline:')) text = pyLstrip(input.slice('inline:'.length));
    else {
      const location = (input ?? url)!;
      text = fetchText(location, md5sum, ctx);
      const path = localPath(location, buildout.directory);
      const st = path === undefined ? undefined : statSync(path, { throwIfNoEntry: false });
      if (mode === undefined && st) mode = st.mode & 0o7777;
    }
    const rendered = render(options, text);
    const output = options.require('output');
    const install = () => [writeOutput(output, rendered, mode)];
    return { install, update: install };
  },
};
