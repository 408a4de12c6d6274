// The record's reader (executor/installed.ts parseInstalled, one pass over
// the lines) reads back exactly what the writer (formatInstalled, zc.buildout's
// _save_option encoding) wrote, for any option values: leading, trailing and
// inner whitespace, blank lines, lines of whitespace only, `%(` text; with
// LF or CRLF line ends. (A carriage return inside a value is written as it
// is, by zc.buildout too, and reads back as a line break; a tab at a line's
// end is not encoded by zc.buildout's _save_option and is lost: neither is
// generated.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatInstalled, parseInstalled, type InstalledState } from '../../executor/installed.ts';

const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\f', '\v', '%', '(', ')', 's', '=', '#', ';', '[', ']', 'é'), maxLength: 24 });
const key = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);

function stateOf(parts: [string, [string, string][]][]): InstalledState {
  const options = new Map(parts.map(([p, opts]) => [p, new Map(opts)]));
  return { parts: [...options.keys()], installedDevelopEggs: '', options, incomplete: new Set() };
}

test('parseInstalled reads back every value formatInstalled wrote, LF or CRLF', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(key.map((k) => `part-${k}`), fc.uniqueArray(fc.tuple(key, text), { selector: ([k]) => k, maxLength: 5 })), { selector: ([p]) => p, minLength: 1, maxLength: 4 }), (parts) => {
      const state = stateOf(parts);
      const written = formatInstalled(state);
      for (const t of [written, written.replaceAll('\n', '\r\n')]) {
        const read = parseInstalled(t, '.installed.cfg');
        for (const [part, opts] of state.options) {
          for (const [k, v] of opts) assert.equal(read.get(part)?.get(k), v, `${part}:${k} of ${JSON.stringify(t)}`);
        }
        assert.equal(read.get('buildout')?.get('parts'), state.parts.join(' '));
      }
    }),
    { numRuns: 300 },
  );
});

test('parseInstalled: a block value is dedented, comments inside a value are skipped, a repeated key keeps its last value, `k + = v` names `k +`', () => {
  const read = parseInstalled(
    ['[buildout]', 'parts = a', '', '[a]', 'block =', '    first', '', '      second', '# a comment', '    third', 'inline = x', '  y', '', '  z', 'k = 1', 'k = 2', 'k + = 3', ''].join('\n'),
    '.installed.cfg',
  );
  assert.deepEqual(Object.fromEntries(read.get('a')!), { block: 'first\n\n  second\nthird', inline: 'x\ny\nz', k: '2', 'k +': '3' });
});

test('parseInstalled: an indented line outside any option, or a line with no `=`, is a located error', () => {
  assert.throws(() => parseInstalled('[a]\n  stray\n', 'r.cfg'), /unexpected indented line/);
  assert.throws(() => parseInstalled('[a]\nno equals\n', 'r.cfg'), /invalid line "no equals"/);
});
