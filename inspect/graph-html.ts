// The part graph as one self-contained HTML page: the graph data inline,
// a layered layout computed in the page, SVG drawing, and a small UI
// written here (no library, nothing fetched): drag to pan, wheel to zoom,
// a search box that highlights matching sections, and a click on a section
// that shows its recipe, options (with where each is written), what it
// depends on and what depends on it, each edge with its reference.
//
// The page's state is also driven by its address (`#search=…&select=…`),
// so a link can point at a section and a headless browser can check what
// a person would see.
import type { Graph } from './graph.ts';

/** JSON safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2937; }
body { display: flex; flex-direction: column; }
header { display: flex; gap: 12px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #e5e7eb; background: #f9fafb; }
header h1 { font-size: 14px; margin: 0; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 40vw; }
header input { width: 260px; padding: 4px 6px; border: 1px solid #d1d5db; border-radius: 4px; }
#status, #matches { color: #6b7280; white-space: nowrap; }
main { flex: 1; display: flex; min-height: 0; }
#canvas { flex: 1; position: relative; overflow: hidden; background: #fff; cursor: grab; }
#canvas.dragging { cursor: grabbing; }
svg { width: 100%; height: 100%; display: block; user-select: none; }
#details { width: 380px; border-left: 1px solid #e5e7eb; overflow: auto; padding: 10px 12px; background: #fcfcfd; }
#details h2 { font-size: 15px; margin: 0 0 4px; word-break: break-all; }
#details h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #6b7280; margin: 14px 0 4px; }
#details ul { list-style: none; margin: 0; padding: 0; }
#details li { padding: 2px 0; border-bottom: 1px dotted #e5e7eb; word-break: break-word; }
#details a { color: #1d4ed8; text-decoration: none; cursor: pointer; }
#details .where { color: #6b7280; font-size: 11px; }
#details .note { background: #fef3c7; padding: 4px 6px; border-radius: 4px; margin: 6px 0; }
#details table { border-collapse: collapse; width: 100%; font-size: 12px; }
#details td { vertical-align: top; padding: 2px 4px; border-bottom: 1px dotted #e5e7eb; }
#details td.k { font-weight: 600; white-space: nowrap; }
#details pre { margin: 0; white-space: pre-wrap; word-break: break-all; font: 11px/1.35 ui-monospace, Menlo, Consolas, monospace; }
.node rect { stroke: #6b7280; stroke-width: 1; }
.node.part rect { fill: #dbeafe; }
.node.part.notrun rect { stroke-dasharray: 4 3; }
.node.root rect { fill: #fde68a; }
.node.section rect { fill: #ffffff; }
.node.macro rect { fill: #f3f4f6; }
.node text { font-size: 11px; pointer-events: none; }
.node text.sub { fill: #6b7280; font-size: 9px; }
.node { cursor: pointer; }
.edge { fill: none; stroke: #9ca3af; stroke-width: 1; }
.edge.macro { stroke-dasharray: 4 3; }
.edge.parts { stroke: #d97706; }
.dim { opacity: .18; }
.node.match rect { stroke: #dc2626; stroke-width: 3; }
.node.selected rect { stroke: #1d4ed8; stroke-width: 3; }
.edge.hl { stroke: #1d4ed8; stroke-width: 2; opacity: 1; }
`;

// Plain JavaScript (no template literals, no build step): it runs as is in the page.
const SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('graph-data').textContent);
  var SVGNS = 'http://www.w3.org/2000/svg';
  var W = 190, H = 40, GX = 90, GY = 18;
  var byId = {}, outE = {}, inE = {};
  data.nodes.forEach(function (n, i) { n.index = i; byId[n.id] = n; outE[n.id] = []; inE[n.id] = []; });
  data.edges.forEach(function (e) { if (byId[e.from] && byId[e.to]) { outE[e.from].push(e); inE[e.to].push(e); } });

  // layers: longest path from the sources (Kahn), nodes left in cycles go last
  var indeg = {}, layer = {};
  data.nodes.forEach(function (n) { indeg[n.id] = 0; layer[n.id] = 0; });
  var pairs = {};
  data.edges.forEach(function (e) {
    var k = e.from + '\u0000' + e.to;
    if (pairs[k] || e.from === e.to || !byId[e.from] || !byId[e.to]) return;
    pairs[k] = true; indeg[e.to]++;
  });
  var succ = {};
  Object.keys(pairs).forEach(function (k) { var p = k.split('\u0000'); (succ[p[0]] = succ[p[0]] || []).push(p[1]); });
  var queue = data.nodes.filter(function (n) { return indeg[n.id] === 0; }).map(function (n) { return n.id; });
  var seen = {}, maxLayer = 0;
  while (queue.length) {
    var id = queue.shift(); seen[id] = true;
    (succ[id] || []).forEach(function (t) {
      if (layer[id] + 1 > layer[t]) layer[t] = layer[id] + 1;
      if (--indeg[t] === 0) queue.push(t);
    });
  }
  data.nodes.forEach(function (n) { if (seen[n.id] && layer[n.id] > maxLayer) maxLayer = layer[n.id]; });
  data.nodes.forEach(function (n) { if (!seen[n.id]) layer[n.id] = maxLayer + 1; });
  var layers = [];
  data.nodes.forEach(function (n) { (layers[layer[n.id]] = layers[layer[n.id]] || []).push(n); });
  layers = layers.filter(Boolean);
  // order inside layers: barycentre of the neighbours, a few sweeps
  var pos = {};
  function number() { layers.forEach(function (l) { l.forEach(function (n, i) { pos[n.id] = i; }); }); }
  number();
  for (var sweep = 0; sweep < 4; sweep++) {
    layers.forEach(function (l, li) {
      if (li === 0 && sweep % 2 === 0) return;
      l.forEach(function (n) {
        var ns = (sweep % 2 === 0 ? inE[n.id].map(function (e) { return e.from; }) : outE[n.id].map(function (e) { return e.to; }));
        var s = 0, c = 0;
        ns.forEach(function (m) { if (pos[m] !== undefined) { s += pos[m]; c++; } });
        n.bary = c ? s / c : pos[n.id];
      });
      l.sort(function (a, b) { return a.bary - b.bary || a.index - b.index; });
      l.forEach(function (n, i) { pos[n.id] = i; });
    });
  }
  var tallest = 0;
  layers.forEach(function (l) { if (l.length > tallest) tallest = l.length; });
  layers.forEach(function (l, li) {
    var offset = (tallest - l.length) * (H + GY) / 2;
    l.forEach(function (n, i) { n.x = li * (W + GX); n.y = offset + i * (H + GY); });
  });

  var svg = document.getElementById('graph');
  var viewport = document.createElementNS(SVGNS, 'g');
  viewport.setAttribute('id', 'viewport');
  svg.appendChild(viewport);
  var defs = document.createElementNS(SVGNS, 'defs');
  defs.innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#9ca3af"/></marker>';
  svg.appendChild(defs);
  var edgeLayer = document.createElementNS(SVGNS, 'g');
  var nodeLayer = document.createElementNS(SVGNS, 'g');
  viewport.appendChild(edgeLayer);
  viewport.appendChild(nodeLayer);

  var edgeEls = [];
  var grouped = {};
  data.edges.forEach(function (e) {
    if (!byId[e.from] || !byId[e.to]) return;
    var k = e.from + '\u0000' + e.to;
    if (!grouped[k]) { grouped[k] = { from: e.from, to: e.to, edges: [] }; }
    grouped[k].edges.push(e);
  });
  Object.keys(grouped).forEach(function (k) {
    var g = grouped[k], a = byId[g.from], b = byId[g.to];
    var x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
    if (b.x <= a.x) { x1 = a.x + W / 2; y1 = a.y + H; x2 = b.x + W / 2; y2 = b.y + H; }
    var dx = Math.max(40, Math.abs(x2 - x1) / 2);
    var p = document.createElementNS(SVGNS, 'path');
    p.setAttribute('d', b.x <= a.x
      ? 'M ' + x1 + ' ' + y1 + ' C ' + x1 + ' ' + (y1 + 60) + ' ' + x2 + ' ' + (y2 + 60) + ' ' + x2 + ' ' + y2
      : 'M ' + x1 + ' ' + y1 + ' C ' + (x1 + dx) + ' ' + y1 + ' ' + (x2 - dx) + ' ' + y2 + ' ' + x2 + ' ' + y2);
    var kinds = {};
    g.edges.forEach(function (e) { kinds[e.kind] = true; });
    p.setAttribute('class', 'edge' + (Object.keys(kinds).length === 1 ? ' ' + Object.keys(kinds)[0] : ''));
    p.setAttribute('marker-end', 'url(#arrow)');
    p.setAttribute('data-from', g.from);
    p.setAttribute('data-to', g.to);
    var t = document.createElementNS(SVGNS, 'title');
    t.textContent = g.from + ' \u2192 ' + g.to + '\n' + g.edges.map(function (e) { return e.label + (e.kind === 'reference' ? ' in ' + e.option : ''); }).join('\n');
    p.appendChild(t);
    edgeLayer.appendChild(p);
    edgeEls.push(p);
  });

  function cut(s, n) { return s.length > n ? s.slice(0, n - 1) + '\u2026' : s; }
  var nodeEls = {};
  data.nodes.forEach(function (n) {
    var g = document.createElementNS(SVGNS, 'g');
    g.setAttribute('class', 'node ' + n.kind + (n.initNotRun ? ' notrun' : ''));
    g.setAttribute('data-node', n.id);
    g.setAttribute('transform', 'translate(' + n.x + ',' + n.y + ')');
    var r = document.createElementNS(SVGNS, 'rect');
    r.setAttribute('width', W); r.setAttribute('height', H); r.setAttribute('rx', n.kind === 'part' ? 8 : 3);
    g.appendChild(r);
    var t = document.createElementNS(SVGNS, 'text');
    t.setAttribute('x', 8); t.setAttribute('y', n.recipe ? 17 : 24);
    t.textContent = cut(n.kind === 'root' ? '[buildout]' : n.id, 30);
    g.appendChild(t);
    if (n.recipe || n.kind === 'macro') {
      var s = document.createElementNS(SVGNS, 'text');
      s.setAttribute('class', 'sub'); s.setAttribute('x', 8); s.setAttribute('y', 31);
      s.textContent = cut(n.kind === 'macro' ? 'macro' : (n.order ? '#' + n.order + ' ' : '') + n.recipe, 36);
      g.appendChild(s);
    }
    var title = document.createElementNS(SVGNS, 'title');
    title.textContent = n.id + (n.recipe ? ' (' + n.recipe + ')' : '');
    g.appendChild(title);
    g.addEventListener('click', function (ev) { ev.stopPropagation(); setHash({ select: n.id }); });
    nodeLayer.appendChild(g);
    nodeEls[n.id] = g;
  });

  // pan and zoom
  var view = { x: 20, y: 20, k: 1 };
  function apply() { viewport.setAttribute('transform', 'translate(' + view.x + ',' + view.y + ') scale(' + view.k + ')'); }
  var canvas = document.getElementById('canvas');
  function fit() {
    var w = canvas.clientWidth || 800, h = canvas.clientHeight || 600;
    var gw = layers.length * (W + GX), gh = tallest * (H + GY);
    view.k = Math.min(1, Math.max(0.05, Math.min(w / (gw + 40), h / (gh + 40))));
    view.x = 20; view.y = 20; apply();
  }
  var drag = null;
  svg.addEventListener('pointerdown', function (ev) { drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false }; canvas.classList.add('dragging'); });
  window.addEventListener('pointermove', function (ev) {
    if (!drag) return;
    if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) drag.moved = true;
    view.x = drag.vx + ev.clientX - drag.x; view.y = drag.vy + ev.clientY - drag.y; apply();
  });
  window.addEventListener('pointerup', function () { drag = null; canvas.classList.remove('dragging'); });
  svg.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var rect = svg.getBoundingClientRect();
    var mx = ev.clientX - rect.left, my = ev.clientY - rect.top;
    var k = Math.min(4, Math.max(0.03, view.k * Math.exp(-ev.deltaY * 0.0015)));
    view.x = mx - (mx - view.x) * k / view.k; view.y = my - (my - view.y) * k / view.k; view.k = k; apply();
  }, { passive: false });
  function centre(id) {
    var n = byId[id]; if (!n) return;
    var w = canvas.clientWidth || 800, h = canvas.clientHeight || 600;
    if (view.k < 0.5) view.k = 0.8;
    view.x = w / 2 - (n.x + W / 2) * view.k; view.y = h / 2 - (n.y + H / 2) * view.k; apply();
  }

  // address: #search=...&select=...
  function readHash() {
    var out = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf('=');
      out[decodeURIComponent(i < 0 ? kv : kv.slice(0, i))] = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1));
    });
    return out;
  }
  function setHash(change) {
    var h = readHash();
    Object.keys(change).forEach(function (k) { if (change[k] === undefined || change[k] === '') delete h[k]; else h[k] = change[k]; });
    var text = Object.keys(h).map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(h[k]); }).join('&');
    if (('#' + text) === location.hash || (text === '' && location.hash === '')) render();
    else location.hash = text;
  }

  var search = document.getElementById('search');
  search.addEventListener('input', function () { setHash({ search: search.value }); });
  search.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter') return;
    var first = matches(search.value)[0];
    if (first) { setHash({ select: first }); centre(first); }
  });
  function matches(q) {
    q = (q || '').toLowerCase();
    if (!q) return [];
    return data.nodes.filter(function (n) { return n.id.toLowerCase().indexOf(q) >= 0 || (n.recipe || '').toLowerCase().indexOf(q) >= 0; }).map(function (n) { return n.id; });
  }

  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); }
  var base = data.profile && data.profile.indexOf('/') >= 0 ? data.profile.slice(0, data.profile.lastIndexOf('/') + 1) : '';
  function short(f) { return base && f.indexOf(base) === 0 ? f.slice(base.length) : f.split('/').slice(-3).join('/'); }
  function where(at) { return at ? ' <span class="where">' + esc(short(at.file)) + ':' + at.line + '</span>' : ''; }
  function origin(o) {
    if (!o) return '';
    var s = o.kind === 'file' ? short(o.file) + ':' + o.line : o.kind === 'recipe' ? 'set by ' + (o.recipe || 'its recipe') : o.kind.replace('-', ' ');
    return '<span class="where">' + esc(s) + (o.macro ? ', macro [' + esc(o.macro) + ']' : '') + '</span>';
  }
  function link(id) { return '<a data-goto="' + esc(id) + '">[' + esc(id) + ']</a>'; }
  function edgeList(list, other) {
    if (!list.length) return '<p class="where">none</p>';
    return '<ul>' + list.map(function (e) {
      return '<li>' + link(e[other]) + ' ' + esc(e.label) + (e.kind === 'reference' ? ' <span class="where">in ' + esc(e.option) + '</span>' : '') + where(e.at) + '</li>';
    }).join('') + '</ul>';
  }
  function details(id) {
    var n = byId[id], box = document.getElementById('details');
    if (!n) { box.innerHTML = '<p class="where">Click a section to see its options, what it depends on and what depends on it.</p>'; return; }
    var html = '<h2>[' + esc(n.kind === 'root' ? 'buildout' : n.id) + ']</h2>';
    html += '<div id="kind">' + esc(n.kind === 'part' ? 'part #' + n.order + ', recipe ' + n.recipe : n.kind === 'macro' ? 'macro (read through <=)' : n.kind === 'root' ? 'the buildout section' : 'data section') + where(n.at) + '</div>';
    if (n.initNotRun) html += '<div class="note">Recipe init not run: ' + esc(n.initNotRun) + '. What it computes is unknown.</div>';
    html += '<h3>Depends on (' + outE[n.id].length + ')</h3><div id="depends">' + edgeList(outE[n.id], 'to') + '</div>';
    html += '<h3>Needed by (' + inE[n.id].length + ')</h3><div id="dependents">' + edgeList(inE[n.id], 'from') + '</div>';
    if (n.options) {
      html += '<h3>Options (' + n.options.length + ')</h3><table id="options">' + n.options.map(function (o) {
        return '<tr><td class="k">' + esc(o.name) + '</td><td><pre>' + esc(o.error ? 'error: ' + o.error : o.value) + '</pre>' + origin(o.origin) + '</td></tr>';
      }).join('') + '</table>';
    }
    box.innerHTML = html;
    Array.prototype.forEach.call(box.querySelectorAll('a[data-goto]'), function (a) {
      a.addEventListener('click', function () { var t = a.getAttribute('data-goto'); setHash({ select: t }); centre(t); });
    });
  }

  function render() {
    var h = readHash();
    var q = h.search || '';
    if (search.value !== q) search.value = q;
    var found = matches(q), set = {};
    found.forEach(function (id) { set[id] = true; });
    var sel = h.select && byId[h.select] ? h.select : '';
    data.nodes.forEach(function (n) {
      var el = nodeEls[n.id];
      el.classList.toggle('match', !!set[n.id]);
      el.classList.toggle('selected', n.id === sel);
      var near = sel !== '' && outE[sel].concat(inE[sel]).some(function (e) { return e.from === n.id || e.to === n.id; });
      el.classList.toggle('dim', n.id !== sel && (q !== '' ? !set[n.id] : sel !== '' && !near));
    });
    edgeEls.forEach(function (p) {
      var on = sel !== '' && (p.getAttribute('data-from') === sel || p.getAttribute('data-to') === sel);
      p.classList.toggle('hl', on);
      p.classList.toggle('dim', (sel !== '' && !on) || q !== '');
    });
    document.getElementById('matches').textContent = q ? found.length + (found.length === 1 ? ' match' : ' matches') : '';
    details(sel);
    document.body.setAttribute('data-selected', sel);
    document.body.setAttribute('data-matches', found.join(' '));
  }
  window.addEventListener('hashchange', render);
  fit();
  render();
  if (readHash().select) centre(readHash().select);
  document.getElementById('status').textContent = data.nodes.filter(function (n) { return n.kind === 'part'; }).length + ' parts, ' + data.nodes.length + ' sections, ' + data.edges.length + ' edges';
  document.body.setAttribute('data-ready', 'true');
})();
`;

export function graphHtml(g: Graph): string {
  const title = `tsbuildout graph${g.profile ? ` — ${g.profile}` : ''}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1 title="${escapeHtml(g.profile ?? '')}">${escapeHtml(title)}</h1>
<input id="search" type="search" placeholder="Search sections and recipes (Enter: go to the first)" autocomplete="off">
<span id="matches"></span>
<span id="status"></span>
</header>
${g.error ? `<div class="note" style="padding:4px 10px;background:#fee2e2">Resolution stopped: ${escapeHtml(g.error)} — the graph holds what was reached before.</div>` : ''}
<main>
<div id="canvas"><svg id="graph" xmlns="http://www.w3.org/2000/svg"></svg></div>
<aside id="details"></aside>
</main>
<script type="application/json" id="graph-data">${scriptJson(g)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
