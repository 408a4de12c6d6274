// Jinja2 masking of instance templates: same lines and columns, tags
// blanked, expressions as placeholders, maybe-present bodies, open lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSubstitutedTemplate, isTemplate, looksLikeProfile, maskTemplate, PLACEHOLDER } from '../../lint/template.ts';

const P = PLACEHOLDER;

test('masking keeps lines and columns', () => {
  const text = '{# c #}\n[s-{{ k }}]\na = {{ x }} b\n{% if y %}\nc = 1\n{% endif %}\n';
  const { masked, info } = maskTemplate(text);
  assert.equal(masked.length, text.length);
  assert.deepEqual(masked.split('\n'), ['       ', `[s-${P.repeat(7)}]`, `a = ${P.repeat(7)} b`, '          ', 'c = 1', '           ', '']);
  assert.ok(info.maybeLines.has(5));
  assert.ok(!info.maybeLines.has(3));
  assert.equal(info.jinja, true);
});

test('an expression starting a line opens an unknown section; an indented literal is a continuation', () => {
  const { masked, info } = maskTemplate("[a]\n{{ macro('x') }}\nk = 1\n{{ '  ' ~ part }}\n");
  const lines = masked.split('\n');
  assert.equal(lines[1]![0], '[');
  assert.equal(lines[1]![lines[1]!.length - 1], ']');
  assert.ok(info.openLines.has(2));
  assert.equal(lines[3]![0], ' ');
});

test('text after a leading tag renders at column 0', () => {
  const { masked, info } = maskTemplate('{% if x %}k = 1\n');
  assert.ok(masked.startsWith('k = 1'));
  assert.equal(info.shifts.get(1), 10);
});

test('raw blocks are kept, block set bodies are maybe-present', () => {
  const { masked, info } = maskTemplate('{% raw %}\nx = {{ y }}\n{% endraw %}\n{% set v %}\nz = 1\n{% endset %}\n');
  assert.equal(masked.split('\n')[1], 'x = {{ y }}');
  assert.ok(info.maybeLines.has(5));
});

test('templates rendered by buildout substitution', () => {
  assert.ok(isSubstitutedTemplate('[buildout]\neggs-directory = ${buildout:eggs-directory}\n'));
  assert.ok(isSubstitutedTemplate('[x]\na = $${slap-connection:computer-id}\n'));
  assert.ok(isSubstitutedTemplate('[buildout]\nextends =\n  ${monitor:output}\n'));
  assert.ok(!isSubstitutedTemplate('[x]\ncommand = echo $${HOME}\n'));
  const { masked } = maskTemplate('[x]\na = ${sw:path}\nb = $${i:p}\n', true);
  assert.deepEqual(masked.split('\n').slice(1, 3), [`a = ${P.repeat(10)}`, 'b =  ${i:p}']);
});

test('which files are templates, and which templates are profiles', () => {
  assert.ok(isTemplate('instance.cfg.in', '[x]\n'));
  assert.ok(isTemplate('instance.cfg', '{% set a = 1 %}\n[x]\n'));
  assert.ok(!isTemplate('buildout.cfg', '[x]\ninline =\n  {{ a }}\n'));
  assert.ok(looksLikeProfile('# c\n\n[buildout]\n'));
  assert.ok(!looksLikeProfile('daemon off;\n'));
});
