// The comparison of npm run recipe-conformance (scripts/lib/recipe-conformance.ts):
// random values found as what differs between two fresh runs, judged by length
// and alphabet; corpus options read from profiles. The suite itself runs the
// real recipes (minutes): .ci/run runs it, not npm test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, entryPoints, partOf, sectionOptions, template, type SideRun, type Snapshot } from '../../scripts/lib/recipe-conformance.ts';

test('template: the spans where two runs differ become markers; crypt hashes stay one span each', () => {
  const a = '{"": "lNsKrq7q", "h": "$5$rounds=535000$D3la.VR4$Czjb/Vl"}';
  const b = '{"": "AIYrb42M", "h": "$5$rounds=535000$AZW/H4ec$0IT.uSH"}';
  const t = template(a, b);
  assert.equal(t.text, '{"": "¤", "h": "$5$rounds=535000$¤$¤"}');
  assert.deepEqual(t.spans, [['lNsKrq7q', 'AIYrb42M'], ['D3la.VR4', 'AZW/H4ec'], ['Czjb/Vl', '0IT.uSH']]);
  assert.deepEqual(template('same\ntext', 'same\ntext'), { text: 'same\ntext', spans: [] });
});

function side(files: Record<string, string>[], installed: Record<string, string>[] = [{}, {}]): SideRun {
  const snap = (f: Record<string, string>): Snapshot => new Map(Object.entries(f).map(([k, v]) => [k, { kind: 'file' as const, mode: 0o644, text: v }]));
  return {
    dirs: ['', ''],
    snaps: files.map((f) => [snap(f), snap(f)] as [Snapshot, Snapshot]),
    installed: installed.map((o) => new Map([['pw', new Map(Object.entries(o))]])),
    runs: new Map(),
  };
}

test('compare: random values of the same length and alphabet agree; another length, a new class or a changed text do not', () => {
  const real = side([{ 'parts/pw': 'pw=abcDEF12' }, { 'parts/pw': 'pw=XyZ09aaa' }]);
  const same = compare(real, side([{ 'parts/pw': 'pw=qqqRRR77' }, { 'parts/pw': 'pw=Aa1bcdef' }]));
  assert.deepEqual(same.differences, []);
  assert.equal(same.identical.get('pw'), 2);
  const shorter = compare(real, side([{ 'parts/pw': 'pw=qqq' }, { 'parts/pw': 'pw=Aa1' }]));
  assert.match(shorter.differences[0]!.what, /random value of 3 characters where the real one has 8/);
  const punct = compare(side([{ 'parts/pw': 'pw=abcdef' }, { 'parts/pw': 'pw=ghijkl' }]), side([{ 'parts/pw': 'pw=ABCDEF' }, { 'parts/pw': 'pw=GHIJKL' }]));
  assert.match(punct.differences[0]!.what, /characters the real one never has \(class A\)/);
  const text = compare(real, side([{ 'parts/pw': 'password=qqqRRR77' }, { 'parts/pw': 'password=Aa1bcdef' }]));
  assert.equal(text.differences[0]!.what, 'content differs');
  // two small random values that agree by chance on one side: the difference is next to a random span
  const time = compare(side([{ 'parts/pw': 'time = 5:48' }, { 'parts/pw': 'time = 5:16' }]), side([{ 'parts/pw': 'time = 3:21' }, { 'parts/pw': 'time = 7:02' }]));
  assert.deepEqual(time.differences, []);
  const fixed = compare(side([{ 'parts/pw': 'mode = 0750 5:48' }, { 'parts/pw': 'mode = 0750 5:16' }]), side([{ 'parts/pw': 'mode = 0700 3:21' }, { 'parts/pw': 'mode = 0700 7:02' }]));
  assert.equal(fixed.differences[0]!.what, 'content differs');
  // short numbers vary in width: two two-digit hours on one side, a one-digit one on the other (seen once)
  const hours = compare(side([{ 'parts/pw': 'time = 15:48' }, { 'parts/pw': 'time = 12:16' }]), side([{ 'parts/pw': 'time = 5:07' }, { 'parts/pw': 'time = 9:33' }]));
  assert.deepEqual(hours.differences, []);
  // MAC addresses whose octets match by chance at different places (seen in CI: 1 in 100 runs of two sides)
  const mac = compare(side([{ 'parts/pw': 'fe:6f:72:d3:d3:1b' }, { 'parts/pw': 'fe:72:c2:33:fa:30' }]), side([{ 'parts/pw': 'fe:7c:72:bc:53:ab' }, { 'parts/pw': 'fe:5c:fb:ce:29:08' }]));
  assert.deepEqual(mac.differences, []);
  assert.doesNotMatch(template('fe:6f:72:d3:d3:1b', 'fe:72:c2:33:fa:30').text, /72/);
  const macFixed = compare(side([{ 'parts/pw': 'fe:6f:72:d3:d3:1b' }, { 'parts/pw': 'fe:72:c2:33:fa:30' }]), side([{ 'parts/pw': '02:7c:72:bc:53:ab' }, { 'parts/pw': '02:5c:fb:ce:29:08' }]));
  assert.equal(macFixed.differences[0]!.what, 'content differs');
});

test('partOf: out/<part>/… and parts/<part> belong to the part, out/<part> to the fixture\'s [dirs]', () => {
  assert.equal(partOf('out/w/wrapper'), 'w');
  assert.equal(partOf('run:out/w/wrapper'), 'w');
  assert.equal(partOf('parts/pw'), 'pw');
  assert.equal(partOf('installed:pw'), 'pw');
  assert.equal(partOf('out/w'), 'dirs');
  assert.equal(partOf('in/data.txt'), undefined);
});

test('sectionOptions and entryPoints: the options a profile gives each recipe; reference eggs are proven, the others documented', () => {
  assert.deepEqual(sectionOptions('[w]\nrecipe = slapos.cookbook:wrapper\ncommand-line = x\n  continued = no\nwrapper-path += y\n[d]\nx = 1\n[j]\nrecipe = {{ r }}\n'), [
    { section: 'w', recipe: 'slapos.cookbook:wrapper', options: ['command-line', 'wrapper-path'] },
  ]);
  const byName = new Map(entryPoints().map((e) => [e.name, e]));
  assert.equal(byName.get('slapos.cookbook:wrapper')!.proven, true);
  assert.equal(byName.get('plone.recipe.command')!.proven, true);
  assert.equal(byName.get('slapos.recipe.template:jinja2')!.proven, false);
  assert.ok(byName.get('slapos.cookbook:wrapper')!.schemaOptions.has('redirect-stdout'));
});

test('compare: a deliberate difference declared for some options of a part excuses those alone', () => {
  const installed = (o: Record<string, string>): SideRun => {
    const record = new Map([['req', new Map(Object.entries(o))]]);
    return { dirs: ['', ''], snaps: [new Map(), new Map()].map((s) => [s, s] as [Snapshot, Snapshot]), installed: [record, record], runs: new Map() };
  };
  const real = installed({ 'instance-guid': "!py!b'local-slappart1'", instance_guid: "!py!b'local-slappart1'", 'instance-status': '!py!None' });
  const guid = compare(real, installed({ 'instance-guid': 'local-slappart1', instance_guid: 'local-slappart1', 'instance-status': '!py!None' }));
  assert.equal(guid.differences.length, 1);
  assert.match(guid.differences[0]!.deliberate ?? '', /the GUID as text/);
  const status = compare(real, installed({ 'instance-guid': 'local-slappart1', instance_guid: 'local-slappart1', 'instance-status': '' }));
  assert.equal(status.differences[0]!.deliberate, undefined, 'another option differing too is not excused');
});
