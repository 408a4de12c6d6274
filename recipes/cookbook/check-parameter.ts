// slapos.cookbook:check_parameter (slapos/recipe/check_parameter,
// docs/slapos-recipes.md#legacy-promise-recipes): a legacy promise, a
// Python script at `path` (mode 0700, run by the Python buildout runs
// with) that fails with exit status 127 when `value` is not what it should
// be: with `expected-type` ipv6 or ipv4, a valid address of that family;
// else equal to `expected-value` and different from `expected-not-value`
// (each checked when not empty), printing "FAIL: …" — the recipe's three
// templates (test/recipes/cookbook-oracle.test.ts compares them). Returns
// the script; update = install.
import { strRepr } from '../../python/index.ts';
import type { RecipeModule } from '../api.ts';
import { createExecutable } from '../lib/files.ts';

const HEAD = (python: string) => [`#!${python}`, '# BEWARE: This file is operated by slapos node', '# BEWARE: It will be overwritten automatically'];

/** `"%(value)s"` of the templates: the value between double quotes, as is. */
const quoted = (v: string) => `"${v}"`;

export function checkParameterText(python: string, value: string, expectedType: string | undefined, expected: string, notExpected: string): string {
  // the recipe's templates, line for line (check_ipv4.py.in does not import
  // sys: a bad address ends in a NameError, exit status 1, as there)
  if (expectedType === 'ipv6') {
    return [...HEAD(python), 'import socket', 'import sys', '', `address = ${quoted(value)}`, '', 'try:', '  socket.inet_pton(socket.AF_INET6, address)', 'except socket.error:  # not a valid address', '  sys.exit(127)', ''].join('\n');
  }
  if (expectedType === 'ipv4') {
    return [
      ...HEAD(python), 'import socket', '', `address = ${quoted(value)}`, '', 'try:', '  socket.inet_pton(socket.AF_INET, address)',
      'except AttributeError:  # no inet_pton here, sorry', '  try:', '    socket.inet_aton(address)', '  except socket.error:', '    sys.exit(127)',
      "  if address.count('.') != 3:", '    sys.exit(127)', '', 'except socket.error:  # not a valid address', '   sys.exit(127)', '',
    ].join('\n');
  }
  return [
    ...HEAD(python),
    'from __future__ import print_function',
    'import socket',
    'import sys',
    '',
    `value = ${strRepr(value)}`,
    `expected = ${strRepr(expected)}`,
    `not_expected = ${strRepr(notExpected)}`,
    '',
    'if expected != "" and value != expected:',
    '  print("FAIL: %s != %s" % (value, expected))',
    '  sys.exit(127)',
    '',
    'if not_expected != "" and value == not_expected:',
    '  print("FAIL: %s == %s" % (value, not_expected))',
    '  sys.exit(127)',
    '',
  ].join('\n');
}

export const checkParameter: RecipeModule = {
  names: ['slapos.cookbook:check_parameter'],
  pureInit: true,
  schema: {
    doc: 'Writes a legacy promise checking that a value is what it should be (equal to, different from, or an IP address).',
    options: {
      path: { doc: 'the promise to write (normally in etc/promise)' },
      value: { doc: 'the value checked' },
      'expected-type': { doc: 'ipv6 or ipv4: the value must be such an address' },
      'expected-value': { doc: 'what the value must be (when not empty)' },
      'expected-not-value': { doc: 'what the value must not be (when not empty)' },
    },
    required: ['path', 'value'],
    generated: [],
  },
  init({ options, buildout }) {
    const path = options.require('path');
    const text = checkParameterText(
      buildout.section('buildout').get('executable') || 'python3',
      options.require('value'),
      options.get('expected-type'),
      options.get('expected-value') ?? '',
      options.get('expected-not-value') ?? '',
    );
    const install = () => [createExecutable(path, text)];
    return { install, update: install };
  },
};
