import { createHash } from 'node:crypto';
import { cfg, ruleTests } from '../rule-tester.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const tpl = 'hello {{ name }}\n';

ruleTests('md5sum-mismatch', {
  valid: [
    {
      name: 'buildout.hash.cfg matching the file',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = buildout.hash.cfg'), 'buildout.hash.cfg': cfg('[t]', 'filename = t.in', `md5sum = ${md5(tpl)}`), 't.in': tpl },
    },
    { name: 'a remote url is not downloaded', files: { 'buildout.cfg': cfg('[c]', 'recipe = slapos.recipe.cmmi', 'url = https://example.invalid/a.tgz', 'md5sum = 0123') } },
  ],
  invalid: [
    {
      name: 'a changed file (buildout.hash.cfg)',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = buildout.hash.cfg'), 'buildout.hash.cfg': cfg('[t]', 'filename = t.in', `md5sum = ${md5('old')}`), 't.in': tpl },
      findings: [{ file: 'buildout.hash.cfg', line: 3, column: 10, severity: 'error', message: `its MD5 is ${md5(tpl)}` }],
    },
    {
      name: 'a local url of a part',
      files: {
        'buildout.cfg': cfg('[buildout]', 'parts = t', '[t]', 'recipe = slapos.recipe.template', 'url = ${:_profile_base_location_}/t.in', 'output = o', `md5sum = ${md5('x')}`),
        't.in': tpl,
      },
      findings: [{ line: 7, column: 10, severity: 'error' }],
    },
  ],
});
