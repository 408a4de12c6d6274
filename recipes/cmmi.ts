// slapos.recipe.cmmi (docs/slapos-recipes.md#slaposrecipecmmi): configure,
// make, make install of a source archive (`url`, unpacked into
// `<location>__compile__`) or of a source tree (`path`, built in place).
// Its constructor (as the original's): a `[<part>:linux:<machine>]` or
// `[<part>:linux]` section's options merged in, the place (shared or not,
// lib/shared.ts), `prefix` (the option, else `[buildout] prefix`, else the
// location), `compile-directory`, @@LOCATION@@ replaced in every option,
// `environment-section` then `environment` lines. Its install: a shared
// part whose signature file matches is reused as it is; the location is
// made afresh; patches (`#md5` suffixes) with `patch-binary patch-options <
// file`; the hooks and commands in the original's order (cmmi-build.ts);
// promises checked (a warning); the compile directory removed unless
// `keep-compile-dir`; long shebangs wrapped (fix_shebang); a shared part
// signed last (its signature file renamed into place: an interrupted build
// has none and is rebuilt) and made read-only. A failure removes the
// location (the original leaves a non-shared one to the next run) and
// keeps the compile directory with `slapos.recipe.build.env.sh` to
// reproduce it. Make's parallelism is the environment's MAKEFLAGS, as with
// the original (it adds no -j). Update does nothing.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { machine } from 'node:os';
import { join } from 'node:path';
import { RecipeError, type RecipeModule, type SoftwareStep } from './api.ts';
import { extractArchive } from './lib/archive.ts';
import { buildEnvironment, buildSteps, fixShebangs, makeReadOnly, removeTree, runCommand, writeEnvScript, type BuildEnv } from './lib/cmmi-build.ts';
import { downloadFile, plannedDownload, runFetchSettings } from './lib/download.ts';
import { isTrue, willCreate } from './lib/files.ts';
import { readAllOptions } from './lib/options.ts';
import { partPlace, placePart, sharedSignature, SHARED_SIGNATURE_FILE } from './lib/shared.ts';
import { LOCATION, SHARED, undocumented } from './schema.ts';

/** platform.machine() as the original names it (get_machine). */
function machineName(): string {
  const m = machine();
  if (m === 'i386' || m === 'i586' || m === 'i686') return 'x86';
  if (m === 'x86_64') return 'amd64';
  return m;
}

export const cmmi: RecipeModule = {
  names: ['slapos.recipe.cmmi'],
  pureInit: true,
  stubSoftware: 'builds',
  schema: {
    doc: 'Builds software from source: configure, make, make install.',
    options: {
      url: { doc: 'the source archive (`path` or `url`, not both)' },
      md5sum: { doc: 'its md5' },
      path: { doc: 'a source tree built in place (instead of url)' },
      'configure-options': { doc: 'arguments of ./configure' },
      'configure-command': { doc: 'the configure command (default ./configure with --prefix)' },
      'make-binary': { doc: 'the make command', default: 'make' },
      'make-options': { doc: 'arguments of make' },
      'make-targets': { doc: 'the install targets', default: 'install' },
      
      patches: { doc: 'patch files, each with an optional #md5' },
      'patch-options': { doc: 'arguments of patch', default: '-p0' },
      'patch-binary': { doc: 'the patch command', default: 'patch' },
      environment: { doc: 'KEY=VALUE lines for the build (%(VAR)s: the environment)' },
      'environment-section': { doc: 'a section whose options are the build environment' },
      'pre-configure': { doc: 'shell run before configure' },
      'pre-build': { doc: 'shell run before make' },
      'pre-install': { doc: 'shell run before make install' },
      'post-install': { doc: 'shell run after make install' },
      'pre-configure-hook': { doc: 'file.py:function run before configure' },
      'pre-make-hook': { doc: 'file.py:function run before make' },
      'post-make-hook': { doc: 'file.py:function run after make install' },
      promises: { doc: 'paths that must exist after the build (a warning)' },
      'keep-compile-dir': { doc: 'true: keep <location>__compile__' },
      'strip-top-level-dir': { doc: 'true: the archive\'s top directory left out', default: 'false' },
      prefix: { doc: 'the install prefix (default: the location)' },
      ...LOCATION,
      ...SHARED,
      ...undocumented('source-directory-contains', 'dependencies', 'compile-directory', 'configure-cmd', 'pre-make', 'install-command'),
    },
    // cmmi reads any `<name>-build` style extra data and platform-suffixed options
    anyOptions: true,
    generated: ['location', 'prefix', 'compile-directory'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    const { name, options, buildout, logger } = ctx;
    const machineSection = `${name}:linux:${machineName()}`;
    const platform = buildout.hasSection(machineSection) ? machineSection : buildout.hasSection(`${name}:linux`) ? `${name}:linux` : undefined;
    if (platform) {
      const p = buildout.section(platform);
      for (const k of p.keys()) options.set(k, p.get(k) ?? '');
    }
    const envSection = options.get('environment-section')?.trim();
    const environ = new Map<string, string>();
    if (envSection) {
      const s = buildout.section(envSection);
      for (const k of s.keys()) environ.set(k, s.get(k) ?? '');
    }
    // slapos.recipe.cmmi: shared when `shared` is true, any case
    const shared = options.get('shared')?.trim().toLowerCase() === 'true';
    const place = partPlace(ctx, shared);
    const signature = place.shared ? sharedSignature(options) : undefined;
    if (place.shared) logger.info(`shared at ${place.location}`);
    const location = place.location;
    const prefix = options.get('prefix')?.trim() || buildout.section('buildout').get('prefix')?.trim() || location;
    options.set('prefix', prefix);
    const url = options.get('url')?.trim() ?? '';
    const path = options.get('path')?.trim() ?? '';
    if (url && path) throw new RecipeError(`[${name}] You must use either "url" or "path", not both!`);
    if (!url && !path) throw new RecipeError(`[${name}] You must provide either "url" or "path".`);
    options.set('compile-directory', url ? `${location}__compile__` : path);
    placePart(options, location);
    for (const line of (options.get('environment') ?? '').split('\n')) {
      if (!line.trim()) continue;
      const eq = line.indexOf('=');
      if (eq < 0) throw new RecipeError(`[${name}] Invalid environment variable definition: ${line}`);
      environ.set(line.slice(0, eq).trim(), line.slice(eq + 1));
    }
    readAllOptions(options);
    const settings = () => runFetchSettings(buildout, name);

    return {
      plan({ offline }) {
        const steps: SoftwareStep[] = [];
        if (signature !== undefined) {
          if (sharedInstalled(location, signature)) return [{ action: 'reuse', what: name, path: location, reason: 'signature matches' }];
          steps.push({
            action: 'build',
            what: name,
            path: location,
            reason: existsSync(location) ? `shared, but its ${SHARED_SIGNATURE_FILE} is missing or differs (an unfinished build): removed and built again` : 'no shared part with this signature',
          });
        } else steps.push({ action: 'build', what: name, path: location, reason: url ? 'not shared' : `not shared, from ${path}` });
        const fetch = runFetchSettings(buildout, name, offline);
        if (url) steps.push(plannedDownload(url, fetch));
        // the patches and hook files install fetches (a command that does not format fails there, not here)
        try {
          const planned = buildSteps({ part: name, options, environ, logger });
          for (const patch of planned.patches) steps.push(plannedDownload(splitFragment(patch)[0], fetch));
          for (const step of planned.sequence) {
            if (step.kind === 'hook') steps.push(plannedDownload(splitFragment(splitHook(name, step.option, step.value)[0])[0], fetch));
          }
        } catch (e) {
          if (!(e instanceof RecipeError)) throw e;
        }
        return steps;
      },
      async install() {
        if (signature !== undefined) {
          logger.info(`Checking whether package is installed at shared path: ${location}`);
          if (sharedInstalled(location, signature)) {
            logger.info('This shared package has been installed by other package');
            return [];
          }
        }
        const keepCompileDir = url !== '' && isTrue(options.get('keep-compile-dir') ?? buildout.section('buildout').get('keep-compile-dir'));
        const env: BuildEnv = { part: name, options, environ, logger };
        // what the options and the environment say is checked before anything is made
        const steps = buildSteps(env);
        buildEnvironment(env);
        let compileDir: string;
        if (url) {
          compileDir = options.require('compile-directory');
          if (existsSync(compileDir)) {
            logger.warning(`Removing already existing directory ${compileDir}`);
            removeTree(compileDir);
          }
          // the paths the part returns are journalled first (lib/files.ts willCreate): a killed run's are removed by the next
          if (keepCompileDir) willCreate(compileDir);
          mkdirSync(compileDir, { recursive: true });
          try {
            unpack(name, url, options.get('md5sum')?.trim() || undefined, compileDir, isTrue(options.get('strip-top-level-dir')), settings(), (m) => logger.warning(m));
          } catch (e) {
            removeTree(compileDir);
            throw e;
          }
        } else {
          logger.info(`Using local source directory: ${path}`);
          compileDir = path;
        }
        // a location left by an interrupted build (or a shared one never signed) is built again
        if (existsSync(location)) removeTree(location);
        if (signature === undefined) willCreate(location);
        mkdirSync(location, { recursive: true });
        // packages that unpack into one directory are built there
        const top = readdirSync(compileDir);
        const workDir = top.length === 1 && lstatSync(join(compileDir, top[0]!)).isDirectory() ? join(compileDir, top[0]!) : compileDir;
        try {
          for (const patch of steps.patches) {
            const [patchUrl, md5] = splitFragment(patch);
            const file = downloadFile(patchUrl, settings(), md5 || undefined);
            try {
              await runCommand(env, `${steps.patchCommand} < ${file.path}`, workDir);
            } finally {
              if (file.temporary) rmSync(file.path, { force: true });
            }
          }
          for (const step of steps.sequence) {
            if (step.kind === 'hook') {
              logger.info(`Executing ${step.option}`);
              const [scriptUrl, fn] = splitHook(name, step.option, step.value);
              const [fileUrl, md5] = splitFragment(scriptUrl);
              const file = downloadFile(fileUrl, settings(), md5 || undefined);
              try {
                if (!ctx.python) throw new RecipeError(`[${name}] ${step.option}: Python hooks need a run`);
                ctx.python().call(name, step.option, 'cmmi.hook', [name, file.path, fn, [...buildEnvironment(env)], workDir]);
              } finally {
                if (file.temporary) rmSync(file.path, { force: true });
              }
            } else {
              if (step.label) logger.info(`Executing ${step.label}`);
              await runCommand(env, step.command, workDir);
            }
          }
        } catch (e) {
          writeEnvScript(env, workDir, steps);
          logger.warning(`Compilation error. The package is left as is at ${workDir} where you can inspect what went wrong.\nA shell script slapos.recipe.build.env.sh has been generated. You can source it in your shell to reproduce build environment.`);
          // nothing half-installed: the location goes (the compile directory stays to be inspected)
          removeTree(location);
          throw e;
        }
        for (const promise of (options.get('promises') ?? '').split('\n')) {
          if (promise && !existsSync(promise)) logger.warning(`could not find promise "${promise}"`);
        }
        const installed: string[] = [];
        if (url) {
          if (keepCompileDir) installed.push(compileDir);
          else removeTree(compileDir);
        }
        fixShebangs(location);
        if (signature !== undefined) {
          // signed last, atomically: a location without its signature is an unfinished build
          const file = join(location, SHARED_SIGNATURE_FILE);
          writeFileSync(`${file}.tmp`, signature);
          renameSync(`${file}.tmp`, file);
          makeReadOnly(location);
        } else installed.push(location);
        return installed;
      },
      update: () => undefined,
    };
  },
};

/** A shared part already built with this signature (its signature file is written last). */
function sharedInstalled(location: string, signature: string): boolean {
  const file = join(location, SHARED_SIGNATURE_FILE);
  // plan asks this of every shared part: most are not built (an exception each costs more than a stat)
  if (!existsSync(file)) return false;
  try {
    return readFileSync(file, 'utf8') === signature;
  } catch {
    return false;
  }
}

/** `url#md5` (the original's url.partition('#')). */
function splitFragment(text: string): [string, string] {
  const i = text.indexOf('#');
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + 1)];
}

/** `file.py:function` (rsplit(':', 1)). */
function splitHook(part: string, option: string, text: string): [string, string] {
  const i = text.lastIndexOf(':');
  if (i < 0) throw new RecipeError(`[${part}] ${option}: expected FILE:FUNCTION, got '${text.trim()}'`);
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

/** The source archive unpacked into `into` (entries outside it refused). */
function unpack(part: string, url: string, md5sum: string | undefined, into: string, strip: boolean, settings: ReturnType<typeof runFetchSettings>, warn: (m: string) => void): void {
  const archive = downloadFile(url, settings, md5sum);
  try {
    if (!strip) {
      extractArchive(archive.path, into, { part, warn, refuseOutside: true });
      return;
    }
    const tree = join(into, '.unpacked');
    mkdirSync(tree);
    extractArchive(archive.path, tree, { part, warn, refuseOutside: true });
    const top = readdirSync(tree);
    if (top.length !== 1 || !lstatSync(join(tree, top[0]!)).isDirectory()) throw new RecipeError(`[${part}] strip-top-level-dir: the archive has no single top-level directory`);
    for (const entry of readdirSync(join(tree, top[0]!))) renameSync(join(tree, top[0]!, entry), join(into, entry));
    rmSync(tree, { recursive: true, force: true });
  } finally {
    if (archive.temporary) rmSync(archive.path, { force: true });
  }
}
