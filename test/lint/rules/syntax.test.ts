import { cfg, ruleTests } from '../rule-tester.ts';

ruleTests('syntax', {
  valid: [
    { name: 'options, continuations, comments', files: { 'buildout.cfg': cfg('[buildout]', 'parts =', '  a', '# c', '[a]', 'x = 1 # not a comment') } },
    { name: 'Jinja2 template around buildout text', files: { 'buildout.cfg': cfg('[buildout]', 'extends = base.cfg.in'), 'base.cfg.in': cfg('{% set x = 1 %}', '[s-{{ x }}]', '{{ macro() }}', 'k = {{ v }}') } },
  ],
  invalid: [
    {
      name: 'every bad line of a file, with a hint',
      files: { 'buildout.cfg': cfg('[buildout]', 'parts', '[s]', 'key: value', '  ok = 1', '[bad name]') },
      findings: [
        { line: 2, column: 1, severity: 'error', message: 'invalid line' },
        { line: 4, column: 1, severity: 'error', message: 'invalid option line' },
        { line: 5, column: 1, severity: 'error', message: 'does not continue any option' },
        { line: 6, column: 1, severity: 'error', message: 'invalid section header' },
      ],
    },
    {
      name: 'content before the first header',
      files: { 'buildout.cfg': cfg('a = 1', '[buildout]') },
      findings: [{ line: 1, severity: 'error', message: 'File contains no section headers' }],
    },
    {
      name: 'an extended file with errors',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = base.cfg'), 'base.cfg': cfg('[x]', 'oops') },
      findings: [{ file: 'base.cfg', line: 2, severity: 'error' }],
    },
    {
      name: 'a condition that is not Python',
      files: { 'buildout.cfg': cfg('[buildout]', '[s: 1 +]', 'a = 1') },
      findings: [{ line: 2, severity: 'error', message: 'neither a PEP 508 marker nor a Python expression' }],
    },
    {
      name: 'a bad line next to Jinja2 in a template is info',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = t.cfg.in'), 't.cfg.in': cfg('[s]', 'a = 1', 'not valid', '{% if y %}', 'also bad', '{% endif %}') },
      findings: [
        { file: 't.cfg.in', line: 3, severity: 'warning' },
        { file: 't.cfg.in', line: 5, severity: 'info' },
      ],
    },
    {
      name: 'a binary file',
      files: { 'buildout.cfg': cfg('[buildout]', 'extends = bin.cfg'), 'bin.cfg': '[x]\na = \u0000\n' },
      findings: [{ file: 'bin.cfg', line: 2, severity: 'error', message: 'binary' }],
    },
  ],
});
