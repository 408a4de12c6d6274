// graph: every kind of edge with its label and location; the renderings;
// Graphviz renders the DOT of software/erp5; headless Chromium shows the
// HTML page (what is drawn, search, a click's details).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraph, type Graph } from '../../inspect/graph.ts';
import { graphHtml } from '../../inspect/graph-html.ts';
import { graphDot, graphMermaid, graphText } from '../../inspect/graph-render.ts';
import { inspectProfile } from '../../inspect/model.ts';
import { corpusRoot } from '../helpers/paths.ts';
import { inspectIn, runCli, withFixture } from './helpers.ts';

const DOT = '/usr/bin/dot';
const CHROMIUM = '/usr/bin/chromium';

function edges(g: Graph): string[] {
  return g.edges.map((e) => `${e.from} -> ${e.to} [${e.kind}] ${e.label}${e.kind === 'reference' ? ` in ${e.option}` : ''}${e.at ? ` @${e.at.line}` : ''}`);
}

test('graph: edges labelled with what creates them, at the line that writes it', async () => {
  await withFixture('graph', async (dir) => {
    const g = buildGraph(await inspectIn(dir));
    const got = edges(g);
    for (const want of [
      'buildout -> app [parts] parts @6',
      'app -> config [reference] ${config:port} in command-line @19',
      // copied from the macro: located where the macro writes it
      'app -> directory [reference] ${directory:bin} in wrapper-path @10',
      'app -> log [part-dependencies] <part-dependencies> @20',
      'app -> base [macro] <= base @18',
      'publish -> connection [recipe] (recipe init)',
      'config-file -> config [template] ${config:port} (template)',
      'config-file -> connection [template] ${connection:url} (template)',
      'connection -> config [reference] ${config:port} in url @34',
    ]) {
      assert.ok(got.includes(want), `missing edge: ${want}\n${got.join('\n')}`);
    }
    // references to [buildout] are not dependencies
    assert.ok(!g.edges.some((e) => e.to === 'buildout'));
    const kinds = Object.fromEntries(g.nodes.map((n) => [n.id, n.kind]));
    assert.deepEqual(kinds, {
      buildout: 'root',
      directory: 'part',
      log: 'part',
      app: 'part',
      publish: 'part',
      'config-file': 'part',
      config: 'section',
      connection: 'section',
      versions: 'section',
      base: 'macro',
    });
    assert.deepEqual(
      g.nodes.filter((n) => n.kind === 'part').map((n) => [n.id, n.order]),
      [
        ['directory', 1],
        ['log', 2],
        ['app', 3],
        ['publish', 4],
        ['config-file', 5],
      ],
    );
  });
});

test('graph PART: only what the part depends on', async () => {
  await withFixture('graph', async (dir) => {
    const g = buildGraph(await inspectIn(dir), { parts: ['log'] });
    assert.deepEqual(
      g.nodes.map((n) => n.id),
      ['directory', 'log'],
    );
    assert.deepEqual(edges(g), ['log -> directory [reference] ${directory:etc} in log @27']);
    const r = runCli(dir, ['graph', 'nothere']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /There is no section \[nothere\]/);
  });
});

test('graph: text, JSON, Mermaid and DOT renderings', async () => {
  await withFixture('graph', async (dir) => {
    const g = buildGraph(await inspectIn(dir), { options: true });
    const text = graphText(g, dir);
    assert.match(text, /^\[app\] {2}part 3, slapos\.cookbook:wrapper$/m);
    assert.match(text, /^ {2}→ \[log\] {2}<part-dependencies> \(buildout\.cfg:20\)$/m);
    assert.match(text, /^5 parts, 10 sections, 14 edges$/m);
    const mermaid = graphMermaid(g);
    assert.match(mermaid, /^flowchart LR$/m);
    assert.match(mermaid, /-->\|"#60;part-dependencies#62;"\|/);
    assert.match(mermaid, /-\.->\|"#60;= base"\|/);
    const dot = graphDot(g);
    assert.match(dot, /"app" -> "log" \[label="<part-dependencies>"\]/);
    const svg = spawnSync(DOT, ['-Tsvg'], { input: dot, encoding: 'utf8' });
    assert.equal(svg.status, 0, `${DOT} failed (is Debian's graphviz installed?): ${svg.stderr ?? svg.error}`);
    assert.match(svg.stdout, /<title>app&#45;&gt;log<\/title>/);
    // the CLI
    const j = runCli(dir, ['graph', '--format', 'json']);
    assert.equal(j.status, 0, j.stderr);
    const parsed = JSON.parse(j.stdout) as { graph: Graph };
    const app = parsed.graph.nodes.find((n) => n.id === 'app');
    const command = app?.options?.find((o) => o.name === 'command-line');
    assert.equal(command?.value, 'echo 8080');
    assert.equal(command?.origin?.line, 19);
    const wrapper = app?.options?.find((o) => o.name === 'wrapper-path');
    assert.equal(wrapper?.origin?.macro, 'base');
  });
});

test('graph --format dot of software/erp5/software.cfg renders with Graphviz', async (t) => {
  const corpus = corpusRoot();
  if (!corpus) return t.skip('no ../shared/corpus/slapos');
  assert.ok(existsSync(DOT), `${DOT} is missing: install Debian's graphviz (.ci/run does)`);
  const r = runCli(corpus, ['-c', join(corpus, 'software/erp5/software.cfg'), 'graph', '--format', 'dot']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^digraph buildout \{/);
  const parts = (r.stdout.match(/shape=box/g) ?? []).length;
  assert.ok(parts > 100, `only ${parts} parts`);
  // recipes whose init is not run are drawn dashed
  assert.match(r.stdout, /"ZODB" \[shape=box, style="rounded,filled,dashed"/);
  const svg = spawnSync(DOT, ['-Tsvg'], { input: r.stdout, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(svg.status, 0, svg.stderr);
  assert.match(svg.stdout, /<svg /);
  assert.ok((svg.stdout.match(/class="node"/g) ?? []).length > 150);
  assert.ok((svg.stdout.match(/class="edge"/g) ?? []).length > 300);
});

/** The page's DOM after its scripts ran, in headless Chromium. */
function dumpDom(file: string, hash: string): string {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  const profile = mkdtempSync(join(tmpdir(), 'tsbuildout-chromium-'));
  try {
    const r = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--window-size=1280,800',
        `--user-data-dir=${profile}`,
        '--dump-dom',
        `file://${file}${hash}`,
      ],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 },
    );
    assert.equal(r.status, 0, `chromium failed: ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

function attr(dom: string, name: string): string | undefined {
  return new RegExp(`<body[^>]*\\s${name}="([^"]*)"`).exec(dom)?.[1];
}

function between(dom: string, open: string, close: string): string {
  const i = dom.indexOf(open);
  assert.ok(i >= 0, `no ${open} in the page`);
  return dom.slice(i, dom.indexOf(close, i));
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

test('graph --format html: one self-contained page, checked in headless Chromium', async () => {
  await withFixture('graph', async (dir) => {
    const r = runCli(dir, ['graph', '--format', 'html', '--output', 'graph.html']);
    assert.equal(r.status, 0, r.stderr);
    const page = join(dir, 'graph.html');
    const html = (await import('node:fs')).readFileSync(page, 'utf8');
    // self-contained: nothing fetched
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|<img|@import|url\((?!#)|fetch\(|XMLHttpRequest|<iframe/);

    // drawn: every section a node, every pair of sections an edge
    let dom = dumpDom(page, '');
    assert.equal(attr(dom, 'data-ready'), 'true');
    const nodes = [...dom.matchAll(/<g class="node ([a-z ]+)" data-node="([^"]+)"/g)].map((m) => [m[2], m[1]]);
    assert.equal(nodes.length, 10);
    assert.ok(nodes.some(([id, cls]) => id === 'app' && cls!.startsWith('part')));
    assert.ok(nodes.some(([id, cls]) => id === 'base' && cls!.startsWith('macro')));
    assert.equal((dom.match(/<path [^>]*class="edge/g) ?? []).length, 14);
    assert.match(text(between(dom, '<span id="status"', '</span>')), /5 parts, 10 sections, 14 edges/);

    // a search highlights the matches and dims the rest
    dom = dumpDom(page, '#search=conn');
    assert.equal(attr(dom, 'data-matches'), 'connection');
    assert.match(dom, /<g class="node section match" data-node="connection"/);
    assert.match(dom, /<g class="node part dim" data-node="app"/);
    assert.match(text(between(dom, '<span id="matches"', '</span>')), /1 match/);
    // recipes match too
    dom = dumpDom(page, '#search=mkdirectory');
    assert.equal(attr(dom, 'data-matches'), 'directory log');

    // a click on a section: its recipe, dependencies, dependents and options
    dom = dumpDom(page, '#select=app');
    assert.equal(attr(dom, 'data-selected'), 'app');
    assert.match(dom, /<g class="node part selected" data-node="app"/);
    const details = text(between(dom, '<aside id="details"', '</aside>'));
    assert.match(details, /\[app\] part #3, recipe slapos\.cookbook:wrapper/);
    assert.match(details, /Depends on \(4\) \[config\] \$\{config:port\} in command-line buildout\.cfg:19/);
    assert.match(details, /\[log\] <part-dependencies> buildout\.cfg:20/);
    assert.match(details, /\[base\] <= base/);
    assert.match(details, /Needed by \(1\) \[buildout\] parts/);
    assert.match(details, /Options \(6\) .* command-line echo 8080 buildout\.cfg:19 /);
    assert.match(details, / _e \S+\/eggs set by slapos\.cookbook:wrapper /);
    assert.match(details, /wrapper-path \S+\/sbin\/app buildout\.cfg:10, macro \[base\]/);

    // the page's own click handler, driven through the DOM
    writeFileSync(join(dir, 'click.html'), html.replace('</body>', `<script>document.querySelector('[data-node="config"]').dispatchEvent(new MouseEvent('click', { bubbles: true }));</script></body>`));
    dom = dumpDom(join(dir, 'click.html'), '');
    assert.equal(attr(dom, 'data-selected'), 'config');
    assert.match(text(between(dom, '<aside id="details"', '</aside>')), /Needed by \(3\) \[app\] \$\{config:port\} in command-line/);
  });
});

test('graph --format html of software/erp5 renders in headless Chromium', async (t) => {
  const corpus = corpusRoot();
  if (!corpus) return t.skip('no ../shared/corpus/slapos');
  const insp = await inspectProfile({ config: join(corpus, 'software/erp5/software.cfg'), userDefaults: false, executable: '/usr/bin/python3', env: { python: '3.11' } });
  const g = buildGraph(insp, { options: true });
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-inspect-'));
  try {
    const page = join(dir, 'erp5.html');
    writeFileSync(page, graphHtml(g));
    const dom = dumpDom(page, '#select=neoppod&search=zodb');
    assert.equal(attr(dom, 'data-ready'), 'true');
    assert.equal((dom.match(/<g class="node /g) ?? []).length, g.nodes.length);
    assert.ok(attr(dom, 'data-matches')!.split(' ').includes('ZODB'));
    assert.match(text(between(dom, '<aside id="details"', '</aside>')), /\[neoppod\] part #\d+, recipe zc\.recipe\.egg/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
