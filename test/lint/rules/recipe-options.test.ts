import { cfg, ruleTests } from '../rule-tester.ts';

const parts = (...names: string[]) => cfg('[buildout]', `parts = ${names.join(' ')}`);

ruleTests('missing-recipe-option', {
  valid: [
    { name: 'all required options', files: { 'buildout.cfg': parts('w') + cfg('[w]', 'recipe = slapos.cookbook:wrapper', 'command-line = a', 'wrapper-path = b') } },
    { name: 'one of a group (inline)', files: { 'buildout.cfg': parts('t') + cfg('[t]', 'recipe = slapos.recipe.template:jinja2', 'inline = x', 'output = o') } },
    { name: 'an alias (template, rendered)', files: { 'buildout.cfg': parts('t') + cfg('[t]', 'recipe = slapos.recipe.template:jinja2', 'template = inline:x', 'rendered = o') } },
    { name: 'options from a macro', files: { 'buildout.cfg': parts('t') + cfg('[m]', 'recipe = slapos.recipe.template', 'output = o', '[t]', '<= m', 'url = u') } },
    { name: 'a macro base nothing evaluates', files: { 'buildout.cfg': parts('t') + cfg('[m]', 'recipe = slapos.cookbook:wrapper', 'wrapper-path = x', '[t]', '<= m', 'command-line = c') } },
  ],
  invalid: [
    {
      name: 'a wrapper part without command-line',
      files: { 'buildout.cfg': parts('w') + cfg('[w]', 'recipe = slapos.cookbook:wrapper', 'wrapper-path = b') },
      findings: [{ line: 4, column: 1, severity: 'error', message: "'command-line'" }],
    },
    {
      name: 'none of url, inline, template',
      files: { 'buildout.cfg': parts('t') + cfg('[t]', 'recipe = slapos.recipe.template:jinja2', 'output = o') },
      findings: [{ line: 4, severity: 'error', message: "one of 'url', 'inline', 'template'" }],
    },
    {
      name: 'a section nothing evaluates: warning',
      files: { 'buildout.cfg': parts() + cfg('[g]', 'recipe = slapos.recipe.build:gitclone', 'branch = master') },
      findings: [{ line: 4, severity: 'warning', message: "'repository'" }],
    },
  ],
});

ruleTests('unknown-recipe-option', {
  valid: [
    { name: 'known options', files: { 'buildout.cfg': parts('w') + cfg('[w]', 'recipe = slapos.cookbook:wrapper', 'command-line = a', 'wrapper-path = b', 'environment = A=1') } },
    { name: 'data other sections reference', files: { 'buildout.cfg': parts('w') + cfg('[w]', 'recipe = slapos.cookbook:wrapper', 'command-line = a', 'wrapper-path = b', 'port = 8080', '[x]', 'p = ${w:port}') } },
    { name: 'recipes that take any option', files: { 'buildout.cfg': parts('d') + cfg('[d]', 'recipe = slapos.cookbook:mkdirectory', 'etc = /etc') } },
  ],
  invalid: [
    {
      name: 'a typo of a recipe option',
      files: { 'buildout.cfg': parts('w') + cfg('[w]', 'recipe = slapos.cookbook:wrapper', 'comand-line = a', 'command-line = a', 'wrapper-path = b') },
      findings: [{ line: 5, column: 1, severity: 'warning', message: "'comand-line'" }],
    },
    {
      name: 'an option nothing reads: info',
      files: { 'buildout.cfg': parts('w') + cfg('[w]', 'recipe = slapos.cookbook:wrapper', 'command-line = a', 'wrapper-path = b', 'colour = blue') },
      findings: [{ line: 7, severity: 'info' }],
    },
  ],
});

ruleTests('url-without-md5sum', {
  valid: [
    { name: 'with md5sum', files: { 'buildout.cfg': parts('c') + cfg('[c]', 'recipe = slapos.recipe.cmmi', 'url = https://example.invalid/a.tgz', 'md5sum = 0123') } },
    { name: 'a local template', files: { 'buildout.cfg': parts('t') + cfg('[t]', 'recipe = slapos.recipe.template', 'url = ${:_profile_base_location_}/t.in', 'output = o') } },
  ],
  invalid: [
    {
      name: 'a remote download without md5sum',
      files: { 'buildout.cfg': parts('c') + cfg('[c]', 'recipe = slapos.recipe.cmmi', 'url = https://example.invalid/a.tgz') },
      findings: [{ line: 5, column: 1, severity: 'warning', message: 'no md5sum' }],
    },
  ],
});
