// Property tests: no text makes the parser, the loader or resolution throw
// anything but a located BuildoutError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAll } from '../../cli/commands/resolve.ts';
import { BuildoutError } from '../../parser/diagnostic.ts';
import { parseProfile } from '../../parser/parse.ts';
import { readSections } from '../../parser/sections.ts';
import { loadBuildout } from '../../profile/load.ts';
import { makeTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const pieces = ['[', ']', '[buildout]', '[s]', '[s:python3]', '[s: True]', '${', '}', '${s:a}', '${:b}', '$$', ':', '=', '+=', '-=', '<=', '=>', '#', ';', '\n', '\r\n', '\r', '\t', ' ', '  ', 'a', 'b', 'extends', 'parts', 'recipe', 'x.cfg', '\\x23', '\u00a0', '\u2028', '\x1c', 'é', '𝄞'];

const cfgText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom(...pieces), { maxLength: 80 }).map((a) => a.join('')),
);

test('the parser and section reader accept any text without throwing', () => {
  fc.assert(
    fc.property(cfgText, fc.boolean(), fc.boolean(), (text, cond, accumulate) => {
      const tree = parseProfile(text, 'p.cfg');
      const sections = readSections(tree, { repeatedKeys: accumulate ? 'accumulate' : 'overwrite', condition: () => cond });
      for (const e of sections.errors) {
        assert.ok(e.span && e.span.line >= 1 && e.span.line <= tree.lineCount, `error located in the file: ${e.message}`);
      }
      for (const s of sections.sections.values()) {
        for (const o of s.options.values()) assert.equal(o.positions.length, o.value.split('\n').length);
      }
    }),
    { numRuns: 2000 },
  );
});

function fixtureTexts(): string[] {
  const root = join(repositoryRoot(), 'fixtures', 'conformance');
  const out: string[] = [];
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(root, d.name))) if (f.endsWith('.cfg')) out.push(readFileSync(join(root, d.name, f), 'utf8'));
  }
  return out;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...pieces) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: fc.nat(), other: fc.nat() }),
);

function mutate(text: string, ms: { kind: string; at: number; text?: string; length?: number; other?: number }[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length ? m.at % (t.length + 1) : 0;
    if (m.kind === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.length!);
    else {
      const lines = t.split('\n');
      const i = m.at % lines.length;
      const j = m.other! % lines.length;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      t = lines.join('\n');
    }
  }
  return t;
}

test('loading and resolving mutated profiles fails only with located BuildoutErrors', async () => {
  const texts = fixtureTexts();
  const dir = makeTree({});
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...texts),
        fc.constantFrom(...texts),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('slapos' as const, 'buildout2' as const, 'upstream' as const),
        async (main, other, ms, semantics) => {
          writeFileSync(join(dir, 'buildout.cfg'), mutate(main, ms));
          writeFileSync(join(dir, 'base.cfg'), other);
          writeFileSync(join(dir, 'x.cfg'), '[buildout]\nextends = base.cfg\n');
          try {
            const { buildout } = await loadBuildout({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: '/usr/bin/python3', semantics, env: { python: '3.11' } });
            resolveAll(buildout, true);
          } catch (e) {
            if (!(e instanceof BuildoutError)) throw e;
            assert.ok(e.primary.message.length > 0);
          }
        },
      ),
      { numRuns: 400 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
