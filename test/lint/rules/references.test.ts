import { cfg, ruleTests } from '../rule-tester.ts';

const base = (...more: string[]) => cfg('[buildout]', 'parts = p', '[p]', 'recipe = slapos.cookbook:wrapper', 'command-line = x', 'wrapper-path = y', ...more);

ruleTests('undefined-section', {
  valid: [
    { name: 'an existing section', files: { 'buildout.cfg': base('a = ${d:x}', '[d]', 'x = 1') } },
    { name: 'a section of an extended file', files: { 'buildout.cfg': cfg('[buildout]', 'extends = b.cfg', 'parts = p', '[p]', 'recipe = r', 'a = ${d:x}'), 'b.cfg': cfg('[d]', 'x = 1') } },
    { name: 'slapgrid sections of an instance', files: { 'buildout.cfg': base('a = ${slap-connection:computer-id}') } },
    { name: 'the [slap-configuration] a switch-softwaretype parent passes to the profile it renders', files: { 'buildout.cfg': base('a = ${slap-configuration:configuration.name}') } },
    { name: 'a section named by a template expression', files: { 'buildout.cfg': cfg('[buildout]', 'extends = t.cfg.in'), 't.cfg.in': cfg('[buildout]', 'parts = p', '[s-{{ n }}]', 'x = 1', '[p]', 'recipe = r', 'a = ${s-foo:x}') } },
    { name: 'a missing extends makes it unverifiable', files: { 'buildout.cfg': cfg('[buildout]', 'extends = nope.cfg', 'parts = p', '[p]', 'recipe = r', 'a = ${elsewhere:x}') } },
  ],
  invalid: [
    {
      name: 'a typo in a reference evaluated by a part (with did-you-mean)',
      files: { 'buildout.cfg': base('a = ${directroy:etc}', '[directory]', 'etc = /etc') },
      findings: [{ line: 7, column: 5, severity: 'error', message: "'directroy'" }],
    },
    {
      name: 'in a section nothing evaluates: warning',
      files: { 'buildout.cfg': base('[unused]', 'a = ${nope:x}') },
      findings: [{ line: 8, column: 5, severity: 'warning' }],
    },
    {
      name: 'a macro naming a missing section',
      files: { 'buildout.cfg': base('<= nosuch') },
      findings: [{ line: 7, severity: 'error', message: "No section named 'nosuch'" }],
    },
  ],
});

ruleTests('undefined-option', {
  valid: [
    { name: 'an existing option', files: { 'buildout.cfg': base('a = ${d:x}', '[d]', 'x = 1') } },
    { name: 'an option a recipe sets (location)', files: { 'buildout.cfg': base('a = ${g:location}', '[g]', 'recipe = slapos.recipe.build:gitclone', 'repository = r') } },
    { name: 'an option slapos.recipe.build init code may set', files: { 'buildout.cfg': base('a = ${g:anything}', '[g]', 'recipe = slapos.recipe.build', 'init = options["anything"] = 1') } },
    { name: 'an unknown recipe may set it', files: { 'buildout.cfg': base('a = ${g:anything}', '[g]', 'recipe = some.egg:thing') } },
    { name: '_buildout_section_name_', files: { 'buildout.cfg': base('a = ${:_buildout_section_name_}') } },
    {
      name: 'a rendered child profile: its [slap-configuration] defaults, completed by the parent (switch-softwaretype)',
      files: { 'buildout.cfg': base('a = ${slap-configuration:configuration.name} ${slap-configuration:ipv6-random}', '[slap-configuration]', 'root-instance-title = UNKNOWN') },
    },
    { name: 'an option set through a macro', files: { 'buildout.cfg': base('<= m', 'a = ${:x}', '[m]', 'x = 1') } },
    { name: 'a macro base reading options its users set', files: { 'buildout.cfg': base('<= m', 'x = 1', '[m]', 'a = ${:x}', '[n]', '<= m', 'x = 2') } },
  ],
  invalid: [
    {
      name: 'a typo, with the nearest option and where it is set',
      files: { 'buildout.cfg': base('a = ${d:prot}', '[d]', 'port = 1') },
      findings: [{ line: 7, column: 5, severity: 'error', message: 'Referenced option does not exist: d prot' }],
    },
    {
      name: 'an option a known recipe does not set',
      files: { 'buildout.cfg': base('a = ${dir:nope}', '[dir]', 'recipe = slapos.cookbook:mkdirectory', 'etc = /etc') },
      findings: [{ line: 7, severity: 'error' }],
    },
    {
      name: 'a typo next to an option an unknown recipe may set: info',
      files: { 'buildout.cfg': base('a = ${g:locaton}', '[g]', 'recipe = some.egg', 'location = /x') },
      findings: [{ line: 7, severity: 'info' }],
    },
  ],
});

ruleTests('invalid-substitution', {
  valid: [{ name: 'escaped shell variables', files: { 'buildout.cfg': base('a = $${HOME} $${x:y}') } }],
  invalid: [
    { name: 'no colon', files: { 'buildout.cfg': base('a = ${HOME}/x') }, findings: [{ line: 7, column: 5, severity: 'error', message: "doesn't contain a colon" }] },
    { name: 'too many colons', files: { 'buildout.cfg': base('a = ${a:b:c}') }, findings: [{ line: 7, column: 5, severity: 'error', message: 'too many colons' }] },
    { name: 'bad characters, not evaluated', files: { 'buildout.cfg': base('[q]', 'a = ${a/b:c}') }, findings: [{ line: 8, severity: 'warning', message: 'invalid characters' }] },
  ],
});

ruleTests('circular-reference', {
  valid: [{ name: 'a chain', files: { 'buildout.cfg': base('a = ${:b}', 'b = ${:c}', 'c = 1') } }],
  invalid: [
    {
      name: 'a cycle as a path',
      files: { 'buildout.cfg': base('a = ${q:b}', '[q]', 'b = ${p:a}') },
      findings: [{ line: 7, column: 5, severity: 'error', message: '${p:a} -> ${q:b} -> ${p:a}' }],
    },
    { name: 'a self reference', files: { 'buildout.cfg': base('a = x${:a}') }, findings: [{ line: 7, severity: 'error', message: '${p:a} -> ${p:a}' }] },
    {
      name: 'a macro loop',
      files: { 'buildout.cfg': base('[l1]', '<= l2', '[l2]', '<= l1') },
      findings: [
        { line: 8, severity: 'warning', message: 'Infinite extending loop' },
        { line: 10, severity: 'warning', message: 'Infinite extending loop' },
      ],
    },
  ],
});

/** [s0] x = a, [s1] x = ${s0:x}, … [sN] x = ${sN-1:x}, the part reading [sN]. */
const chain = (n: number) => {
  const lines = ['[buildout]', 'parts = p', '[p]', 'recipe = slapos.cookbook:wrapper', 'command-line = x', 'wrapper-path = y', `a = \${s${n}:x}`, '[s0]', 'x = a'];
  for (let i = 1; i <= n; i++) lines.push(`[s${i}]`, `x = \${s${i - 1}:x}`);
  return cfg(...lines);
};
/** x1 = ${:x0}${:x0}, … each doubling the last. */
const laughs = (n: number) => base('x0 = lol', ...Array.from({ length: n }, (_, i) => `x${i + 1} = \${:x${i}}\${:x${i}}`));

ruleTests('resource-limit', {
  valid: [
    { name: 'a chain of 300 references', files: { 'buildout.cfg': chain(300) } },
    { name: 'a value doubled 20 times (3 MB)', files: { 'buildout.cfg': laughs(20) } },
  ],
  invalid: [
    { name: 'a chain of 500 references, at its outer end', files: { 'buildout.cfg': chain(500) }, findings: [{ line: 7, column: 5, severity: 'error', message: '${p:a}: references nested 501 deep (a run stops at 400)' }] },
    { name: 'a "billion laughs", at its outer end', files: { 'buildout.cfg': laughs(40) }, findings: [{ line: 47, severity: 'error', message: '${p:x40}: a value that would expand to more than 16777216 characters' }] },
  ],
});
