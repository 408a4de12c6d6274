// Peak memory of `resolve --all --json` over a generated profile of many
// sections (BENCH_MEMORY_SECTIONS, default 100,000: ten files of 10,000
// sections extended by a root, each file under the 16 MiB profile limit),
// as a CLI call: the peak RSS of the tsbuildout process (its
// process.resourceUsage().maxRSS, written at exit by a preloaded module),
// with an empty parse cache (the files parsed) and then a filled one, and
// its CPU time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from './lib/stats.ts';

/** Section i: a recipe, values that reference [buildout], the section itself and the previous section. */
function sectionText(i: number): string {
  const previous = i ? `s${i - 1}:name` : 'buildout:parts';
  return `[s${i}]\nrecipe = plone.recipe.command\nname = section-${i}\nlocation = \${buildout:directory}/parts/\${:name}\nprevious = \${${previous}}\ncommand = echo \${:location} > /dev/null\nstop-on-error = true\n\n`;
}

export function memoryProfile(dir: string, sections: number, files = 10): void {
  const per = Math.ceil(sections / files);
  const names: string[] = [];
  for (let f = 0; f * per < sections; f++) {
    const parts: string[] = [];
    for (let i = f * per; i < Math.min(sections, (f + 1) * per); i++) parts.push(sectionText(i));
    names.push(`part${f}.cfg`);
    writeFileSync(join(dir, `part${f}.cfg`), parts.join(''));
  }
  writeFileSync(join(dir, 'buildout.cfg'), `[buildout]\nextends = ${names.join(' ')}\nparts =\n`);
}

export function memoryBench(root: string, sections = Number(process.env.BENCH_MEMORY_SECTIONS ?? 100_000)): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-memory-'));
  try {
    memoryProfile(dir, sections);
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    const preload = join(dir, 'peak.cjs');
    writeFileSync(preload, "process.on('exit', () => { const u = process.resourceUsage(); require('fs').writeFileSync(process.env.PEAK_FILE, JSON.stringify([u.maxRSS, (u.userCPUTime + u.systemCPUTime) / 1000])); });\n");
    const rows: string[][] = [];
    for (const label of ['empty parse cache', 'filled parse cache']) {
      const peak = join(dir, 'peak');
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['--require', preload, join(root, 'bin', 'tsbuildout.js'), '-U', '--python', '/usr/bin/python3', '--env', 'python=3.11', 'resolve', '--all', '--json'], {
        cwd: dir,
        env: { ...process.env, XDG_CACHE_HOME: cache, PEAK_FILE: peak },
        maxBuffer: 1 << 30,
      });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`resolve failed: ${r.stderr}`);
      const [kib, cpu] = JSON.parse(readFileSync(peak, 'utf8')) as [number, number];
      rows.push([label, `${sections} sections`, (kib / 1024).toFixed(0), ((kib * 1024) / sections).toFixed(0), ms.toFixed(0), cpu.toFixed(0)]);
    }
    return '\nMemory: `resolve --all --json` of generated sections, CLI\n' + table(['what', 'size', 'peak RSS MB', 'bytes per section', 'wall ms', 'CPU ms'], rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
