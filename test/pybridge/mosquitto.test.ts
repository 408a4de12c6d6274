// End to end: the corpus's software/mosquitto instance profile, unchanged,
// rendered by the software release's jinja2 part, installed into a
// partition as slapgrid would (slapgrid's tail appended, stub executables
// in place of the built mosquitto). Its [mosquitto-config-file] is slapos.recipe.build
// install code (the Python bridge); slapos.cookbook:slapconfiguration,
// here a stand-in recipe egg in the
// release's develop-eggs (fixtures/pybridge/slapconfiguration), run by the
// bridge's generic fallback; every other recipe is native. With no master
// (an empty server-url), publish writes .published-parameters.json. The
// same profile also runs on a node with its master and tsbuildout's own
// slapconfiguration (test/slapos/acceptance.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusRoot } from '../helpers/paths.ts';
import { withTree } from '../helpers/files.ts';
import { read, run } from '../recipes/run.ts';
import { RECIPES } from '../../recipes/index.ts';
import { RecipeRegistry } from '../../recipes/registry.ts';
import { fixture } from './harness.ts';
import { buildoutTail } from '../../slapos/node/partition.ts';

const corpus = corpusRoot();


test('software/mosquitto instance profile installs unchanged, end to end', { skip: corpus ? false : 'no corpus beside the repository' }, async () => {
  await withTree({}, async (dir) => {
    // the software release: stub executables, its eggs
    const sr = join(dir, 'software');
    const mosquitto = join(sr, 'parts', 'mosquitto');
    mkdirSync(join(mosquitto, 'bin'), { recursive: true });
    mkdirSync(join(mosquitto, 'sbin'), { recursive: true });
    writeFileSync(join(mosquitto, 'bin', 'mosquitto_passwd'), '#!/bin/sh\n# mosquitto_passwd -b FILE USER PASSWORD\necho "$3:$4" >> "$2"\n');
    writeFileSync(join(mosquitto, 'sbin', 'mosquitto'), '#!/bin/sh\nexec sleep 1000\n');
    chmodSync(join(mosquitto, 'bin', 'mosquitto_passwd'), 0o755);
    chmodSync(join(mosquitto, 'sbin', 'mosquitto'), 0o755);
    cpSync(fixture('slapconfiguration'), sr, { recursive: true });
    mkdirSync(join(sr, 'eggs'));

    // the instance profile rendered as the software release renders it: its
    // software.cfg's [instance-profile] part (slapos.recipe.template:jinja2)
    writeFileSync(
      join(sr, 'buildout.cfg'),
      [
        '[buildout]',
        'parts = instance-profile',
        'eggs-directory = ${buildout:directory}/eggs',
        'develop-eggs-directory = ${buildout:directory}/develop-eggs',
        'offline = true',
        '[mosquitto]',
        `location = ${mosquitto}`,
        '[instance-profile]',
        'recipe = slapos.recipe.template:jinja2',
        `url = ${join(corpus!, 'software', 'mosquitto', 'instance.cfg.in')}`,
        'output = ${buildout:directory}/instance.cfg',
        'context =',
        '  section buildout buildout',
        '  key mosquitto_location mosquitto:location',
        '',
      ].join('\n'),
    );
    await run(sr);
    const rendered = read(join(sr, 'instance.cfg'));
    assert.ok(rendered.includes(`eggs-directory = ${join(sr, 'eggs')}\n`), rendered);

    const partition = join(dir, 'slappart0');
    mkdirSync(partition);
    writeFileSync(join(partition, 'buildout.cfg'), rendered + '\n\n' + buildoutTail({ computerId: 'COMP-0', partitionId: 'slappart0', serverUrl: '', softwareReleaseUrl: `${sr}/software.cfg`, requestedState: 'started' }));
    writeFileSync(join(partition, '.partition.json'), JSON.stringify({ 'ip-list': ['10.0.0.2', '10.0.0.1', 'fd00::2', 'fd00::1'], parameters: {} }));

    // the stand-in, even once tsbuildout has its own slapconfiguration (which asks a master)
    const registry = new RecipeRegistry(RECIPES.filter((m) => !m.names.some((n) => n.startsWith('slapos.cookbook:slapconfiguration'))));
    const first = await run(partition, { registry });
    // as zc.buildout warns: the profile's `output` is read by no recipe
    assert.deepEqual(first.warnings.map((w) => w.split('\n')[0]), ["Section `mosquitto-service` contains unused option(s): 'output'."]);
    const etc = join(partition, 'etc');
    const config = join(etc, 'mosquitto-config-file.cfg');
    const passwords = join(etc, 'mosquitto-password-file.txt');
    assert.equal(read(config), `listener 1883 10.0.0.1\nprotocol mqtt\n\nlistener 1883 fd00::1\nprotocol mqtt\n\npassword_file ${passwords}\n\n`);
    const published = (JSON.parse(read(join(partition, '.published-parameters.json'))) as Record<string, { parameters: Record<string, string> }>)['publish-connection-parameter']!.parameters;
    assert.equal(published['ipv4-url'], 'mqtt://10.0.0.1:1883');
    assert.equal(published['ipv6-url'], 'mqtt://fd00::1:1883');
    assert.equal(published.username, 'mosquitto');
    assert.match(read(passwords), new RegExp(`^mosquitto:${published.password}\\n$`));
    const service = read(join(etc, 'service', 'mosquitto-service'));
    assert.equal(service, `#!/bin/sh -e\nexec ${mosquitto}/sbin/mosquitto \\\n\t-c ${config} \\\n\t"$@"\n`);
    for (const p of ['mosquitto-listen-promise-ipv4', 'mosquitto-listen-promise-ipv6']) assert.ok(existsSync(join(etc, 'promise', p)), p);
    assert.ok(first.report.installed.includes('mosquitto-config-file'));

    // a second run changes nothing
    const second = await run(partition, { registry });
    assert.deepEqual(second.report.uninstalled, []);
    assert.deepEqual(second.report.installed, []);
    assert.equal(JSON.parse(read(join(partition, '.published-parameters.json')))['publish-connection-parameter'].parameters.password, published.password);
  });
});
