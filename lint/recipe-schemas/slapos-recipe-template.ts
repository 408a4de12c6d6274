// slapos.recipe.template 5.x: the default entry (buildout substitution of
// a template) and `:jinja2` (spec slapos-recipes.md §2.1, §2.2, §4.1).
import type { RecipeSpec } from './types.ts';

const common = {
  url: { doc: 'the template: a path or URL, downloaded with buildout' },
  inline: { doc: 'the template text' },
  template: { doc: 'legacy: the template (a path, URL, or inline:text)', deprecated: 'url (or inline)' },
  output: { doc: 'the file to write' },
  rendered: { doc: 'legacy name of output', deprecated: 'output' },
  md5sum: { doc: 'MD5 checksum of the downloaded template' },
  mode: { doc: 'file mode of the output (octal)' },
  once: { doc: 'a marker path: render only when it does not exist' },
} as const;

export const slaposRecipeTemplate: RecipeSpec[] = [
  {
    names: ['slapos.recipe.template', 'slapos.recipe.template:default'],
    doc: 'Writes `output` from a template expanded with buildout substitution (`${…}`, `$${` for a literal `${`).',
    options: { ...common },
    oneOf: [['url', 'inline', 'template'], ['output', 'rendered']],
    aliases: { template: 'url', rendered: 'output' },
    generated: [],
    templateReadsOptions: true,
    download: { url: 'url', md5sum: 'md5sum' },
  },
  {
    names: ['slapos.recipe.template:jinja2'],
    doc: 'Writes `output` from a Jinja2 template, with the variables given by `context`.',
    options: {
      ...common,
      context: { doc: 'the template variables: `key NAME SECTION:OPTION`, `raw NAME TEXT`, `section NAME SECTION`, `import NAME MODULE`, `json NAME JSON`, `jsonkey NAME SECTION:OPTION`' },
      extensions: { doc: 'Jinja2 extensions (jinja2.ext.do, jinja2.ext.loopcontrols)' },
      'import-list': { doc: 'templates importable by alias: `file ALIAS SECTION:OPTION`, `rawfile ALIAS PATH`, `folder …`, `rawfolder …`' },
      'import-delimiter': { doc: 'separator of aliases in import names (default /)' },
      encoding: { doc: 'template and output encoding (default utf-8)' },
    },
    oneOf: [['url', 'inline', 'template'], ['output', 'rendered']],
    aliases: { template: 'url', rendered: 'output' },
    generated: [],
    sectionOptions: [{ option: 'context', syntax: 'jinja2-context' }],
    templateReadsOptions: true,
    download: { url: 'url', md5sum: 'md5sum' },
  },
];
