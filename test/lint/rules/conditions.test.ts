import { cfg, ruleTests } from '../rule-tester.ts';

ruleTests('condition-unknown-name', {
  valid: [
    { name: 'zc.buildout globals and builtins', files: { 'buildout.cfg': cfg('[a:python3 and linux]', '[b:sys.version_info < (3,8)]', '[c:python310]', '[d: [int(q) for q in platform.release().split(".")[:2]]<[4,14]]') } },
    { name: 'a PEP 508 marker', files: { 'buildout.cfg': cfg('[a: python_version >= "3.8" and os_name == "posix"]') } },
  ],
  invalid: [
    {
      name: 'python310 under zc.buildout 2.x (checked against --semantics)',
      semantics: 'buildout2',
      files: { 'buildout.cfg': cfg('[buildout]', '[s:python310]', 'a = 1') },
      findings: [{ line: 2, column: 4, severity: 'error', message: "name 'python310' is not defined" }],
    },
    {
      name: 'a name evaluated for the target environment',
      files: { 'buildout.cfg': cfg('[buildout]', '[s: sys_version > 3]', 'a = 1') },
      findings: [{ line: 2, column: 5, severity: 'error', message: "'sys_version'" }],
    },
    {
      name: 'a name not evaluated for the target environment (after and): warning',
      env: { python: '3.11' },
      files: { 'buildout.cfg': cfg('[buildout]', '[s:python2 and foo]', 'a = 1') },
      findings: [{ line: 2, column: 16, severity: 'warning', message: "'foo'" }],
    },
  ],
});

ruleTests('condition-error', {
  valid: [{ name: 'a condition that evaluates', files: { 'buildout.cfg': cfg('[s: 1 + 1 == 2]') } }],
  invalid: [
    {
      name: 'a condition that raises',
      files: { 'buildout.cfg': cfg('[buildout]', '[s: [][0]]', 'a = 1') },
      findings: [{ line: 2, severity: 'warning', message: 'IndexError' }],
    },
  ],
});
