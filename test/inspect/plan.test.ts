// plan: a fixture is installed for real, changed in several ways, and
// after each change `plan` must classify every part with the right reason
// and agree, part for part, with what the next real run does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plan, stateOf, type Plan, type PlanItem, type Reason } from '../../inspect/plan.ts';
import { RECIPES } from '../../recipes/index.ts';
import { RecipeRegistry } from '../../recipes/registry.ts';
import type { RecipeModule } from '../../recipes/api.ts';
import { actualRun, append, expectedRun, inspectIn, runCli, runIn, withFixture, type Load } from './helpers.ts';

async function planIn(dir: string, o: Load = {}): Promise<Plan> {
  return plan(await inspectIn(dir, o));
}

function item(p: Plan, part: string): PlanItem {
  const i = p.items.find((x) => x.part === part);
  assert.ok(i, `no plan item for ${part}: ${p.items.map((x) => x.part).join(' ')}`);
  return i;
}

function reason<K extends Reason['kind']>(i: PlanItem, kind: K): Extract<Reason, { kind: K }> {
  const r = i.reasons.find((x) => x.kind === kind);
  assert.ok(r, `${i.part}: no ${kind} reason in ${JSON.stringify(i.reasons)}`);
  return r as Extract<Reason, { kind: K }>;
}

function actions(p: Plan): Record<string, string> {
  return Object.fromEntries(p.items.map((i) => [i.part, i.action]));
}

/** Plan, then run: the run must do what the plan said. */
async function planThenRun(dir: string, o: Load = {}): Promise<Plan> {
  const p = await planIn(dir, o);
  const r = await runIn(dir, o);
  assert.deepEqual(actualRun(r), expectedRun(p), 'the run did not do what the plan said');
  return p;
}

test('plan: a fresh buildout installs every part; a re-run changes nothing', async () => {
  await withFixture('plan', async (dir) => {
    const first = await planThenRun(dir);
    assert.deepEqual(actions(first), { dirs: 'install', config: 'install', service: 'install' });
    assert.equal(first.recorded, false);
    const listed = reason(item(first, 'config'), 'new');
    assert.equal(listed.listed, true);
    assert.deepEqual(listed.via?.[0]?.at && { line: listed.via[0].at.line, file: listed.via[0].at.file.endsWith('base.cfg') }, { line: 5, file: true });
    const again = await planThenRun(dir);
    assert.deepEqual(actions(again), { dirs: 'unchanged', config: 'unchanged', service: 'unchanged' });
    assert.deepEqual(again.summary, { install: 0, reinstall: 0, uninstall: 0, update: 0, unchanged: 3 });
  });
});

test('plan: option, dependency option, added, implicit, recipe change, removed part, missing files (slapos)', async () => {
  await withFixture('plan', async (dir) => {
    await runIn(dir);

    // 1. an option: one line added to [config] inline in buildout.cfg
    append(dir, 'buildout.cfg', '\n[config]\ninline +=\n  timeout = 5\n');
    let p = await planThenRun(dir);
    assert.deepEqual(actions(p), { dirs: 'unchanged', config: 'reinstall', service: 'reinstall' });
    const inline = reason(item(p, 'config'), 'options-changed').changes.find((c) => c.option === 'inline');
    assert.ok(inline);
    assert.equal(inline.old, 'listen = 8080\nworkers = 2');
    assert.equal(inline.new, 'listen = 8080\nworkers = 2\ntimeout = 5');
    // the new line, with the file and line it came from
    const added = inline.lines?.[2];
    assert.equal(added?.text, 'timeout = 5');
    assert.ok(added?.origin?.file?.endsWith('buildout.cfg'));
    assert.equal(added?.origin?.line, 6);
    // the reference it expands, and where that value is written
    assert.deepEqual(
      inline.references?.map((r) => [r.ref, r.value, r.origin?.line]),
      [['${ports:app}', '8080', 13]],
    );
    // [service] reads ${config:output}: its signature holds [config]'s hash
    const dep = reason(item(p, 'service'), 'dependency-changed');
    assert.equal(dep.dependency, 'config');
    assert.equal(dep.change, 'changed');
    assert.deepEqual(dep.path, ['service', 'config']);
    assert.deepEqual(
      dep.via.map((e) => [e.label, e.option, e.at?.line]),
      [['${config:output}', 'command-line', 25]],
    );
    assert.equal(item(p, 'service').reasons.some((r) => r.kind === 'options-changed'), false);

    // 2. a dependency's option that [config] never reads: [ports] admin
    append(dir, 'buildout.cfg', '\n[ports]\nadmin = 9191\n');
    p = await planThenRun(dir);
    assert.deepEqual(actions(p), { dirs: 'unchanged', config: 'reinstall', service: 'reinstall' });
    const ports = reason(item(p, 'config'), 'dependency-changed');
    assert.equal(ports.dependency, 'ports');
    assert.deepEqual(
      ports.via.map((e) => e.label),
      ['${ports:app}'],
    );
    assert.equal(item(p, 'config').reasons.some((r) => r.kind === 'options-changed'), false);
    assert.deepEqual(reason(item(p, 'service'), 'dependency-changed').path, ['service', 'config']);

    // 3. an added part, which pulls in another part through a reference
    append(dir, 'buildout.cfg', '\n[buildout]\nparts += extra\n[extra]\nrecipe = slapos.cookbook:mkdirectory\nd = ${helper:d}/x\n[helper]\nrecipe = slapos.cookbook:mkdirectory\nd = ${buildout:directory}/helper\n');
    p = await planThenRun(dir);
    assert.deepEqual(actions(p), { dirs: 'unchanged', config: 'unchanged', service: 'unchanged', helper: 'install', extra: 'install' });
    assert.equal(reason(item(p, 'extra'), 'new').listed, true);
    const implicit = reason(item(p, 'helper'), 'new');
    assert.equal(implicit.listed, false);
    assert.deepEqual(
      implicit.via?.map((e) => [e.from, e.label, e.to]),
      [
        ['buildout', 'parts', 'extra'],
        ['extra', '${helper:d}', 'helper'],
      ],
    );

    // 4. a recipe change
    append(dir, 'buildout.cfg', '\n[extra]\nrecipe = plone.recipe.command\ncommand = true\n');
    p = await planThenRun(dir);
    assert.equal(item(p, 'extra').action, 'reinstall');
    const recipe = reason(item(p, 'extra'), 'recipe-changed');
    assert.deepEqual([recipe.what, recipe.old, recipe.new], ['recipe', 'slapos.cookbook:mkdirectory', 'plone.recipe.command']);
    assert.ok(recipe.origin?.file?.endsWith('buildout.cfg'));
    assert.equal(item(p, 'helper').action, 'unchanged');

    // 5. a removed part
    append(dir, 'buildout.cfg', '\n[buildout]\nparts = dirs config extra\n');
    p = await planThenRun(dir);
    assert.equal(item(p, 'service').action, 'uninstall');
    assert.equal(reason(item(p, 'service'), 'not-selected').kind, 'not-selected');
    assert.equal(p.items[0]!.part, 'service', 'uninstalls come first, in run order');
    assert.deepEqual(p.summary, { install: 0, reinstall: 0, uninstall: 1, update: 0, unchanged: 4 });

    // 6. a recorded file removed by hand
    rmSync(join(dir, 'etc', 'app.conf'));
    p = await planThenRun(dir);
    assert.equal(item(p, 'config').action, 'reinstall');
    assert.deepEqual(reason(item(p, 'config'), 'files-missing').files, [join(dir, 'etc', 'app.conf')]);
    assert.ok(existsSync(join(dir, 'etc', 'app.conf')));

    // and then nothing
    p = await planThenRun(dir);
    assert.ok(p.items.every((i) => i.action === 'unchanged'));
  });
});

test('plan: upstream semantics have no dependency hashes: an unread option of a dependency changes nothing', async () => {
  await withFixture('plan', async (dir) => {
    const o: Load = { semantics: 'buildout2' };
    await runIn(dir, o);
    append(dir, 'buildout.cfg', '\n[ports]\nadmin = 9191\n');
    let p = await planThenRun(dir, o);
    assert.ok(p.items.every((i) => i.action === 'unchanged'));
    // a value [config] reads changes its option, and so [service]'s, which reads config's
    append(dir, 'buildout.cfg', '\n[dirs]\netc = ${buildout:directory}/etc2\n');
    p = await planThenRun(dir, o);
    assert.deepEqual(actions(p), { dirs: 'reinstall', config: 'reinstall', service: 'reinstall' });
    assert.equal(item(p, 'service').reasons.some((r) => r.kind === 'dependency-changed'), false);
    const command = reason(item(p, 'service'), 'options-changed').changes.find((c) => c.option === 'command-line');
    assert.equal(command?.new, `cat ${join(dir, 'etc2', 'app.conf')}`);
    const output = reason(item(p, 'config'), 'options-changed').changes.find((c) => c.option === 'output');
    assert.equal(output?.new, join(dir, 'etc2', 'app.conf'));
    assert.deepEqual(output?.references?.map((r) => r.ref), ['${dirs:etc}']);
  });
});

test('plan: install PART … plans only those parts and keeps the others', async () => {
  await withFixture('plan', async (dir) => {
    await runIn(dir);
    append(dir, 'buildout.cfg', '\n[ports]\napp = 1\n[buildout]\nparts -= dirs\n');
    const p = plan(await inspectIn(dir), { parts: ['config'] });
    assert.equal(item(p, 'config').action, 'reinstall');
    assert.equal(item(p, 'dirs').action, 'unchanged');
    assert.equal(reason(item(p, 'dirs'), 'kept').kind, 'kept');
  });
});

test('plan: recipes whose init is not run here: outputs unknown, decisions marked uncertain, no error', async () => {
  await withFixture('plan', async (dir) => {
    writeFileSync(
      join(dir, 'buildout.cfg'),
      [
        '[buildout]',
        'extends = base.cfg',
        'parts += frontend',
        '[frontend]',
        'recipe = slapos.cookbook:request',
        'name = Frontend',
        '[config]',
        'inline +=',
        '  url = ${frontend:connection-url}',
        '',
      ].join('\n'),
    );
    const insp = await inspectIn(dir);
    const p = plan(insp);
    const frontend = item(p, 'frontend');
    assert.equal(frontend.action, 'install');
    assert.match(frontend.initNotRun ?? '', /SlapOS master/);
    assert.match(insp.buildout.section('config').get('inline')!, /url = ⟨computed by slapos\.cookbook:request in \[frontend\]⟩/);
    // against an install where the value was known, only unknowns differ:
    // the parts are most likely kept, and the plan says why it is unsure
    writeFileSync(join(dir, 'known.cfg'), '[buildout]\nextends = buildout.cfg\n[frontend]\nrecipe =\nconnection-url = https://frontend.example\n');
    const before = await inspectIn(dir, { config: 'known.cfg' });
    const q = plan(await inspectIn(dir), { state: stateOf(before) });
    const config = item(q, 'config');
    assert.equal(config.action, 'unchanged');
    assert.ok(config.uncertain?.some((u) => /option inline: computed by the recipes of \[frontend\]/.test(u)), JSON.stringify(config.uncertain));
    assert.ok(config.uncertain?.some((u) => /dependency \[frontend\]/.test(u)));
    const service = item(q, 'service');
    assert.equal(service.action, 'unchanged');
    assert.ok(service.uncertain?.some((u) => /dependency \[config\]/.test(u)));
    // a difference unknowns cannot explain is still certain
    const changed = plan(await inspectIn(dir, { assignments: [{ section: 'ports', option: 'app', value: '1' }] }), { state: stateOf(await inspectIn(dir, { config: 'known.cfg' })) });
    assert.equal(item(changed, 'config').action, 'reinstall');
    const r = runCli(dir, ['plan', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { plan: Plan };
    assert.equal(j.plan.items.find((i) => i.part === 'frontend')?.action, 'install');
  });
});

/** A recipe without an update method: zc.buildout runs its install again on every run. */
const once: RecipeModule = {
  names: ['test.recipe:once'],
  init({ options }) {
    const path = options.require('path');
    return {
      install() {
        writeFileSync(path, 'x');
        return path;
      },
    };
  },
};

test('plan: update — a recipe without update method, a signature change with check-signature = false', async () => {
  await withFixture('plan', async (dir) => {
    const o: Load = { registry: new RecipeRegistry([...RECIPES, once]), safeInit: ['test.recipe:once'] };
    append(dir, 'buildout.cfg', '\n[buildout]\nparts += stamp\n[stamp]\nrecipe = test.recipe:once\npath = ${buildout:directory}/stamp\n');
    await runIn(dir, o);
    let p = await planThenRun(dir, o);
    assert.equal(item(p, 'stamp').action, 'update');
    assert.equal(reason(item(p, 'stamp'), 'no-update-method').kind, 'no-update-method');
    // a change only the signature sees ([ports] admin), signatures not checked
    append(dir, 'buildout.cfg', '\n[buildout]\ncheck-signature = false\n[ports]\nadmin = 1\n');
    p = await planThenRun(dir, o);
    assert.equal(p.checkSignature, false);
    assert.equal(item(p, 'config').action, 'update');
    assert.equal(reason(item(p, 'config'), 'signature-not-checked').kind, 'signature-not-checked');
    assert.equal(item(p, 'dirs').action, 'unchanged');
  });
});

test('plan: the text for people', async () => {
  await withFixture('plan', async (dir) => {
    await runIn(dir);
    // [dirs] leaves parts, but [config] reads it: an implicit part, kept
    append(dir, 'buildout.cfg', '\n[config]\ninline +=\n  timeout = 5\n[buildout]\nparts = config service\n');
    const r = runCli(dir, ['plan']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'Plan against .installed.cfg, slapos semantics',
        '',
        'reinstall  config   slapos.recipe.template',
        '    option inline changed  (buildout.cfg:5):',
        "      + 'timeout = 5'  (buildout.cfg:6)",
        "      ${ports:app} = '8080'  (base.cfg:13)",
        'reinstall  service  slapos.cookbook:wrapper',
        '    dependency changed: [config] via ${config:output} in command-line (base.cfg:25)',
        '      chain: [service] → [config] (its reasons are listed under [config])',
        '(1 unchanged part not listed: --all lists them)',
        '',
        '3 parts: 2 reinstall, 1 unchanged',
        '',
      ].join('\n'),
    );
  });
});
