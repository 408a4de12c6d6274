import { cfg, ruleTests } from '../rule-tester.ts';

ruleTests('missing-extends', {
  valid: [
    { name: 'files that exist', files: { 'buildout.cfg': cfg('[buildout]', 'extends =', '  a/b.cfg', '# a comment in column 0', '  c.cfg'), 'a/b.cfg': cfg('[x]'), 'c.cfg': cfg('[y]') } },
    // a .cfg whose extends holds ${…} is a template slapos.recipe.template renders (software/*/instance.cfg)
    { name: '${…} in extends: a template rendered by buildout substitution', files: { 'buildout.cfg': cfg('[buildout]', 'extends = ${monitor:output}', 'x = $${y:z}') } },
    { name: 'a template computing its extends', root: 't.cfg.in', files: { 't.cfg.in': cfg('[buildout]', 'extends = {{ template_monitor }}') } },
  ],
  invalid: [
    {
      name: 'a missing file, with the chain that includes it',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = a.cfg'), 'a.cfg': cfg('[buildout]', 'extends =', '  ../nope.cfg') },
      findings: [{ file: 'a.cfg', line: 3, column: 3, severity: 'error', message: 'nope.cfg does not exist' }],
    },
    {
      name: 'an indented comment inside extends is a file name',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends =', '  a.cfg', '  # note'), 'a.cfg': cfg('[x]') },
      findings: [
        { line: 4, column: 3, severity: 'error', message: '# does not exist' },
        { line: 4, column: 5, severity: 'error', message: 'note does not exist' },
      ],
    },
    {
      name: 'a remote file is not fetched: info',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = https://example.invalid/a.cfg') },
      findings: [{ line: 2, column: 11, severity: 'info', message: 'not checked' }],
    },
  ],
});

ruleTests('extends-cycle', {
  valid: [{ name: 'a diamond is not a cycle', files: { 'buildout.cfg': cfg('[buildout]', 'extends = a.cfg b.cfg'), 'a.cfg': cfg('[buildout]', 'extends = c.cfg'), 'b.cfg': cfg('[buildout]', 'extends = c.cfg'), 'c.cfg': cfg('[c]') } }],
  invalid: [
    {
      name: 'files extending each other',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = a.cfg'), 'a.cfg': cfg('[buildout]', 'extends = b.cfg'), 'b.cfg': cfg('[buildout]', 'extends = ./a.cfg') },
      findings: [{ file: 'b.cfg', line: 2, column: 11, severity: 'error', message: 'Recursive file include' }],
    },
  ],
});

ruleTests('insecure-extends', {
  valid: [{ name: 'https', files: { 'buildout.cfg': cfg('[buildout]', 'extends = https://example.invalid/a.cfg') }, setting: 'warning' }],
  invalid: [
    {
      name: 'http',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends =', '  http://example.invalid/a.cfg') },
      findings: [{ line: 3, column: 3, severity: 'warning', message: 'plain http' }],
    },
  ],
});
