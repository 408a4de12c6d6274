// node dist/scripts/lint-explain.mjs PROFILE SECTION [--semantics MODE]
// What the linter knows about one section of a profile: its recipe, its
// options after macro expansion (with where each was set), whether
// buildout reaches it. A tool for checking lint findings by hand.
import { resolve } from 'node:path';
import { buildModel } from '../lint/model.ts';
import { Workspace } from '../lint/workspace.ts';
import { entryKeySpan } from '../profile/provenance.ts';
import type { SemanticsMode } from '../profile/semantics.ts';

const [profile, section] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const i = process.argv.indexOf('--semantics');
const mode = (i >= 0 ? process.argv[i + 1] : 'slapos') as SemanticsMode;
const ws = new Workspace({ semantics: mode, executable: '/usr/bin/python3', env: { python: '3.11' }, rules: {}, cwd: process.cwd() });
const root = ws.local(resolve(profile!))!;
const model = await buildModel(ws, root, mode);
const out: string[] = [];
out.push(`profile ${root.path} (${root.kind}), ${model.files.length} files, incomplete: ${model.incomplete.join('; ') || 'no'}`);
out.push(`parts: ${model.parts().join(' ')}`);
const ex = model.expanded(section!);
if (!ex) out.push(`[${section}] is not defined`);
else {
  out.push(`[${section}] recipe=${JSON.stringify(model.recipe(section!))} reached=${model.reached().has(section!)} abstract=${model.isAbstract(section!)}${ex.error ? ` error=${ex.error.message}` : ''}`);
  for (const [k, e] of ex.section) {
    const s = entryKeySpan(e);
    out.push(`  ${k} = ${JSON.stringify(e.value.slice(0, 100))}  ${s ? `${s.file}:${s.line}` : e.history.step.source}`);
  }
}
process.stdout.write(out.join('\n') + '\n');
