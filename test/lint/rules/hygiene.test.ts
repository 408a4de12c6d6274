import { cfg, ruleTests } from '../rule-tester.ts';

ruleTests('unused-section', {
  valid: [
    { name: 'parts, references, macros', files: { 'buildout.cfg': cfg('[buildout]', 'parts = a', '[a]', 'recipe = r', '<= m', 'x = ${d:y}', '[m]', '[d]', 'y = 1') } },
    { name: 'a file without parts defines sections for others', files: { 'buildout.cfg': cfg('[lib]', 'x = 1') } },
  ],
  invalid: [
    {
      name: 'a section nothing uses',
      files: { 'buildout.cfg': cfg('[buildout]', 'parts = a', '[a]', 'recipe = r', '[forgotten]', 'recipe = r') },
      findings: [{ line: 5, column: 2, severity: 'info', message: '[forgotten] is not used' }],
    },
  ],
});

ruleTests('redundant-override', {
  valid: [{ name: 'a changed value', files: { 'buildout.cfg': cfg('[buildout]', 'extends = b.cfg', '[s]', 'x = 2'), 'b.cfg': cfg('[s]', 'x = 1') } }],
  invalid: [
    {
      name: 'the same value again',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = b.cfg', '[versions]', 'foo = 1.0'), 'b.cfg': cfg('[versions]', 'foo = 1.0') },
      findings: [{ line: 4, column: 1, severity: 'info', message: '[versions] foo' }],
    },
  ],
});

ruleTests('plus-equals-without-base', {
  valid: [
    { name: '+= on an inherited value', files: { 'buildout.cfg': cfg('[buildout]', 'extends = b.cfg', '[s]', 'x += 2'), 'b.cfg': cfg('[s]', 'x = 1') } },
    { name: '+= in a macro user', files: { 'buildout.cfg': cfg('[m]', 'x = 1', '[s]', '<= m', 'x += 2') } },
  ],
  invalid: [
    {
      name: 'k += in a section no earlier file defines (slapos keeps "k +")',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = b.cfg', '[s]', 'x += 2'), 'b.cfg': cfg('[t]') },
      findings: [{ line: 4, column: 1, severity: 'warning', message: "option named 'x +'" }],
    },
    {
      name: '+= on an option an existing section lacks: info',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = b.cfg', '[s]', 'y += 2'), 'b.cfg': cfg('[s]', 'x = 1') },
      findings: [{ line: 4, severity: 'info' }],
    },
  ],
});

ruleTests('minus-equals-absent', {
  valid: [{ name: 'removing a line that is there', files: { 'buildout.cfg': cfg('[buildout]', 'extends = b.cfg', '[s]', 'x -= a'), 'b.cfg': cfg('[s]', 'x =', '  a', '  b') } }],
  invalid: [
    {
      name: 'two items on one line are one line',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = b.cfg', '[s]', 'x -= a b'), 'b.cfg': cfg('[s]', 'x =', '  a', '  b') },
      findings: [{ line: 4, column: 6, severity: 'warning', message: "-= 'a b'" }],
    },
  ],
});

ruleTests('invalid-option', {
  valid: [{ name: 'valid values', files: { 'buildout.cfg': cfg('[buildout]', 'newest = false', 'log-level = INFO') } }],
  invalid: [
    { name: 'newest = True', files: { 'buildout.cfg': cfg('[buildout]', 'offline = false', 'newest = True') }, findings: [{ line: 3, severity: 'error', message: "Invalid value for 'newest'" }] },
    { name: 'an unknown log level', files: { 'buildout.cfg': cfg('[buildout]', 'log-level = LOUD') }, findings: [{ line: 2, severity: 'error', message: 'Invalid logging level' }] },
  ],
});

ruleTests('deprecated-recipe-option', {
  valid: [{ name: 'url and output', files: { 'buildout.cfg': cfg('[t]', 'recipe = slapos.recipe.template', 'url = u', 'output = o') } }],
  invalid: [
    {
      name: 'template and rendered',
      files: { 'buildout.cfg': cfg('[t]', 'recipe = slapos.recipe.template', 'template = u', 'rendered = o') },
      findings: [
        { line: 3, severity: 'info', message: 'template is deprecated' },
        { line: 4, severity: 'info', message: 'rendered is deprecated' },
      ],
    },
  ],
});
