import { cfg, ruleTests } from '../rule-tester.ts';

const part = (...lines: string[]) => cfg('[buildout]', 'parts = t', '[t]', 'recipe = slapos.recipe.template:jinja2', 'output = o', ...lines);

ruleTests('jinja-syntax', {
  valid: [
    { name: 'a template file that parses', files: { 'buildout.cfg': part('url = ${:_profile_base_location_}/t.in'), 't.in': '{% if x %}{{ x }}{% endif %}\n' } },
    { name: 'do with its extension', files: { 'buildout.cfg': part('extensions = jinja2.ext.do', 'inline =', '  {% do x.append(1) %}') } },
    { name: 'a template made when buildout runs', files: { 'buildout.cfg': part('url = ${buildout:parts-directory}/made.in') } },
  ],
  invalid: [
    {
      name: 'an unclosed block in a template file',
      files: { 'buildout.cfg': part('url = ${:_profile_base_location_}/t.in'), 't.in': 'a\n{% if x %}\nb\n' },
      findings: [{ file: 't.in', line: 2, severity: 'error', message: 'Unexpected end of template' }],
    },
    {
      name: 'do without jinja2.ext.do, in an inline template',
      files: { 'buildout.cfg': part('inline =', '  line one', '  {% do x.append(1) %}') },
      findings: [{ line: 8, column: 3, severity: 'error', message: "unknown tag 'do'" }],
    },
    {
      name: 'a missing template next to the profile',
      files: { 'buildout.cfg': part('url = ${:_profile_base_location_}/nope.in') },
      findings: [{ line: 6, severity: 'error', message: 'does not exist' }],
    },
  ],
});

ruleTests('jinja-context', {
  valid: [
    {
      name: 'every name given',
      files: { 'buildout.cfg': part('context =', '  key port d:port', '  section dirs d', '  raw x 1', 'inline = {{ port }} {{ dirs }} {{ x }} {{ len(x) }} {% for i in range(2) %}{{ i }}{% endfor %}', '[d]', 'port = 1') },
    },
    { name: 'names tested with is defined', files: { 'buildout.cfg': part('inline = {% if y is defined %}{{ y }}{% endif %}{{ z | default(1) }}') } },
  ],
  invalid: [
    {
      name: 'a context option that does not exist',
      files: { 'buildout.cfg': part('context =', '  key port d:prot', 'inline = {{ port }}', '[d]', 'port = 1') },
      findings: [{ line: 7, column: 12, severity: 'error', message: 'd:prot' }],
    },
    {
      name: 'a context section that does not exist',
      files: { 'buildout.cfg': part('context = section dirs nope', 'inline = {{ dirs }}') },
      findings: [{ line: 6, severity: 'error', message: "section 'nope'" }],
    },
    {
      name: 'a name the context does not give',
      files: { 'buildout.cfg': part('context = raw x 1', 'inline =', '  {{ x }}', '  {{ y }}') },
      findings: [{ line: 9, severity: 'warning', message: "uses 'y'" }],
    },
    {
      name: 'a name defined twice',
      files: { 'buildout.cfg': part('context =', '  raw x 1', '  raw x 2', 'inline = {{ x }}') },
      findings: [{ line: 8, severity: 'error', message: "'x' twice" }],
    },
  ],
});
