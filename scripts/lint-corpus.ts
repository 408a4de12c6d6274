// npm run build && node dist/scripts/lint-corpus.mjs [DIR] [--semantics MODE] [--oracle-cache] [--oracle-errors [--timeout S]] [--slowest N] [--errors]
//
// Lints every profile under DIR (default ../shared/corpus/slapos) in one
// process and prints the findings counted by rule and severity, the
// slowest profiles, and, with --oracle-cache, the error findings on
// profiles that the real zc.buildout (../shared/tools/buildout-oracle,
// cached answers only) loads and resolves without error. --oracle-errors
// asks the oracle (live, answers cached) about every profile with an error
// finding: none of them may be one that zc.buildout loads and resolves.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { discoverProfiles } from '../lint/discover.ts';
import { lint } from '../lint/engine.ts';
import { askOracle, cachedOracleAnswer, defaultCacheDir } from './lib/live-oracle.ts';
import type { SemanticsMode } from '../profile/semantics.ts';

const argv = process.argv.slice(2);
const flag = (n: string) => argv.includes(n);
const opt = (n: string) => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1] : undefined;
};
const here = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const dir = resolve(argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--')) ?? join(here, '../shared/corpus/slapos'));
const semantics = (opt('--semantics') ?? 'slapos') as SemanticsMode;
const roots = discoverProfiles(dir);

const times = new Map<string, number>();
let last = performance.now();
const t0 = last;
const result = await lint(roots, {
  options: { semantics, executable: '/usr/bin/python3', env: { python: '3.11' }, rules: {}, cwd: dir },
  onProfile: (m) => {
    const now = performance.now();
    times.set(m.root.path, now - last);
    last = now;
  },
});
const total = performance.now() - t0;

const byRule = new Map<string, Record<string, number>>();
for (const f of result.findings) {
  const r = byRule.get(f.rule) ?? { error: 0, warning: 0, info: 0 };
  r[f.severity]!++;
  byRule.set(f.rule, r);
}
const out: string[] = [];
const withErrors = new Set<string>();
for (const f of result.findings) for (const [p, sev] of Object.entries(f.severityByProfile ?? {})) if (sev === 'error') withErrors.add(p);
out.push(
  `${roots.length} files found: ${result.profiles.length} profiles linted, ${result.skipped.length} templates of other formats skipped; ` +
    `${result.files} files read, ${result.findings.length} findings, ${withErrors.size} profiles with an error finding; ${total.toFixed(0)} ms (semantics ${semantics})`,
);
out.push('rule                         error  warning  info');
for (const [rule, c] of [...byRule].sort()) out.push(`${rule.padEnd(28)} ${String(c.error).padStart(5)}  ${String(c.warning).padStart(7)}  ${String(c.info).padStart(4)}`);
const slow = Number(opt('--slowest') ?? 5);
out.push(`slowest profiles:`);
for (const [p, ms] of [...times].sort((a, b) => b[1] - a[1]).slice(0, slow)) out.push(`  ${ms.toFixed(0).padStart(6)} ms  ${relative(dir, p)}`);
const show = flag('--errors') ? ['error'] : (opt('--show') ?? '').split(',');
if (show.length) {
  for (const f of result.findings) {
    if (!show.includes(f.severity) && !show.includes(f.rule)) continue;
    out.push(`${f.severity.toUpperCase()} ${f.span ? `${relative(dir, f.span.file)}:${f.span.line}:${f.span.column}` : ''} [${f.rule}] ${f.message.replace(/\n/g, ' ')}  (${(f.profiles ?? []).length} profiles, e.g. ${relative(dir, f.profiles?.[0] ?? '')})`);
  }
}
// how scripts/conformance.ts asks the oracle, so both share its cached answers
const oracleRun = { oracle: join(here, '../shared/tools/buildout-oracle'), flags: ['--all'], args: [] as string[], cacheDir: defaultCacheDir(), salt: corpusSalt() };
if (flag('--oracle-cache')) {
  // profiles zc.buildout loads and resolves without error (cached answers only)
  const errorsByProfile = new Map<string, number>();
  for (const f of result.findings) {
    for (const [p, sev] of Object.entries(f.severityByProfile ?? {})) if (sev === 'error') errorsByProfile.set(p, (errorsByProfile.get(p) ?? 0) + 1);
  }
  let ok = 0;
  let clean = 0;
  let unknown = 0;
  const bad: string[] = [];
  for (const p of roots) {
    if (!p.endsWith('.cfg') || !existsSync(p)) continue;
    const a = cachedOracleAnswer({ ...oracleRun, profile: p });
    if (!a || a.status !== 'ok') {
      unknown++;
      continue;
    }
    const j = a.json as { ok: boolean; parts_error: string | null };
    if (!j.ok || j.parts_error) continue;
    ok++;
    const n = errorsByProfile.get(p) ?? 0;
    if (n) bad.push(`  ${relative(dir, p)}: ${n} error finding(s)`);
    else clean++;
  }
  out.push(`zc.buildout loads and resolves ${ok} profiles (answers cached; ${unknown} without a cached answer): ${clean} have no error finding`);
  out.push(...bad);
}
if (flag('--oracle-errors')) {
  // the decisive set: a false error is an error finding on a profile zc.buildout accepts
  const timeoutSeconds = Number(opt('--timeout') ?? 120);
  const counts = { fails: 0, timeout: 0, crash: 0, accepts: 0 };
  const accepted: string[] = [];
  const undecided: string[] = [];
  for (const p of [...withErrors].sort()) {
    const a = await askOracle({ ...oracleRun, profile: p, timeoutSeconds });
    if (a.status !== 'ok') {
      counts[a.status]++;
      undecided.push(`  ${a.status}: ${relative(dir, p)}`);
      continue;
    }
    const j = a.json as { ok: boolean; parts_error: string | null; error?: string };
    if (!j.ok || j.parts_error) counts.fails++;
    else {
      counts.accepts++;
      accepted.push(`  ${relative(dir, p)}`);
    }
  }
  out.push(
    `profiles with an error finding: ${withErrors.size}; zc.buildout fails on ${counts.fails}, times out (${timeoutSeconds} s) on ${counts.timeout}, crashes on ${counts.crash}, ` +
      `loads and resolves ${counts.accepts}${counts.accepts ? ' (false errors):' : ''}`,
  );
  out.push(...accepted, ...undecided);
}
process.stdout.write(out.join('\n') + '\n');

function corpusSalt(): string {
  try {
    return readFileSync(join(dir, 'SOURCE'), 'utf8');
  } catch {
    return '';
  }
}
