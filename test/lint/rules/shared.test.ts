import { cfg, ruleTests } from '../rule-tester.ts';

const head = cfg('[buildout]', 'parts = a');

ruleTests('shared-references-unshared', {
  valid: [
    { name: 'shared referring to shared', files: { 'buildout.cfg': head + cfg('[a]', 'recipe = slapos.recipe.cmmi', 'shared = true', 'x = ${b:location}', '[b]', 'recipe = slapos.recipe.cmmi', 'shared = true') } },
    { name: 'not shared', files: { 'buildout.cfg': head + cfg('[a]', 'recipe = slapos.recipe.cmmi', 'x = ${b:location}', '[b]', 'recipe = slapos.recipe.cmmi') } },
  ],
  invalid: [
    {
      name: 'shared referring to a non-shared location',
      files: { 'buildout.cfg': head + cfg('[a]', 'recipe = slapos.recipe.cmmi', 'shared = true', 'x = ${b:location}', '[b]', 'recipe = slapos.recipe.cmmi') },
      findings: [{ line: 6, column: 5, severity: 'warning', message: '[b], which is not shared' }],
    },
    {
      name: 'through a data section',
      files: { 'buildout.cfg': head + cfg('[a]', 'recipe = slapos.recipe.cmmi', 'shared = true', 'x = ${env:path}', '[env]', 'path = ${b:location}/bin', '[b]', 'recipe = slapos.recipe.cmmi') },
      findings: [{ line: 6, severity: 'warning', message: 'through ${env:path}' }],
    },
  ],
});

ruleTests('semantics-divergence', {
  valid: [{ name: 'the same in both', setting: 'info', files: { 'buildout.cfg': cfg('[s]', 'x = 1') } }],
  invalid: [
    {
      name: 'a file extended twice (applied once by the SlapOS fork)',
      setting: 'info',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = a.cfg b.cfg'), 'a.cfg': cfg('[buildout]', 'extends = c.cfg', '[s]', 'x = a'), 'b.cfg': cfg('[buildout]', 'extends = c.cfg'), 'c.cfg': cfg('[s]', 'x = c') },
      findings: [{ file: 'a.cfg', line: 4, severity: 'info', message: "slapos gives 'a', upstream gives 'c'" }],
    },
  ],
});
