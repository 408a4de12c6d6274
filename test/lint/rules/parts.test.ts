import { cfg, ruleTests } from '../rule-tester.ts';

ruleTests('part-without-section', {
  valid: [{ name: 'parts with sections', files: { 'buildout.cfg': cfg('[buildout]', 'parts = a', '  b', '[a]', 'recipe = r', '[b]', 'recipe = r') } }],
  invalid: [
    {
      name: 'a typo in parts',
      files: { 'buildout.cfg': cfg('[buildout]', 'parts =', '  instance-profile', '  instance-profil', '[instance-profile]', 'recipe = r') },
      findings: [{ line: 4, column: 3, severity: 'error', message: "'instance-profil'" }],
    },
    {
      name: 'an indented comment in parts',
      files: { 'buildout.cfg': cfg('[buildout]', 'parts =', '  a', '  # tools for it', '[a]', 'recipe = r') },
      findings: [{ line: 4, column: 3, severity: 'error', message: 'not a comment' }],
    },
    {
      name: 'parts added with += in another file',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = b.cfg', 'parts += c'), 'b.cfg': cfg('[buildout]', 'parts = a', '[a]', 'recipe = r') },
      findings: [{ line: 3, column: 10, severity: 'error' }],
    },
  ],
});

ruleTests('part-without-recipe', {
  valid: [{ name: 'a recipe through a macro', files: { 'buildout.cfg': cfg('[buildout]', 'parts = a', '[m]', 'recipe = r', '[a]', '<= m') } }],
  invalid: [
    { name: 'no recipe', files: { 'buildout.cfg': cfg('[buildout]', 'parts = a', '[a]', 'x = 1') }, findings: [{ line: 2, column: 9, severity: 'error', message: 'no recipe' }] },
    { name: 'an empty recipe is skipped: info', files: { 'buildout.cfg': cfg('[buildout]', 'parts = a', '[a]', 'recipe =') }, findings: [{ line: 2, severity: 'info' }] },
  ],
});
