// slapos.recipe.build:download and :download-unpacked
// (docs/slapos-recipes.md#slaposrecipebuild).
//
// :download fetches `url` (checked against `md5sum`) at install. Without
// `destination`, init writes back `location` (`${buildout:parts-directory}/
// <part>`, or under shared-part-list when shared: docs/slapos-recipes.md#shared-parts)
// and `target` = `<location>/<filename, else the part's name>`, and install
// returns the location; with `destination`, that file is `target` and
// `filename` is not read (the recipe's Download names it). `mode` (octal)
// sets the file's mode. Without md5sum, update downloads it again.
// Under --stub-software a remote file that cannot be fetched is an empty
// stand-in (lib/download.ts).
//
// :download-unpacked extracts the archive into `destination` (default the
// `location` written back at init, `${buildout:parts-directory}/<part>`)
// with setuptools' rules (lib/archive.ts: what would land outside the
// destination or read a host file is skipped). `strip-top-level-dir`: true strips the
// single top-level directory, false keeps it, unset strips it when it is the
// only entry. Install returns the destination; update does nothing.
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RecipeError, type RecipeModule } from '../api.ts';
import { LOCATION, SHARED } from '../schema.ts';
import { extractArchive } from '../lib/archive.ts';
import { cannotBeHad, downloadFile, fetchOrStandIn, plannedDownload, runFetchSettings } from '../lib/download.ts';
import { temporaryName, willCreate } from '../lib/files.ts';
import { buildSharedOption, partPlace } from '../lib/shared.ts';
import { modeOption, writeIfChanged } from '../lib/files.ts';


export const download: RecipeModule = {
  names: ['slapos.recipe.build:download'],
  // what it writes or fetches, instances read: it runs under --stub-software
  stubSoftware: 'renders',
  pureInit: true,
  schema: {
    doc: 'Downloads one file at install.',
    options: {
      url: { doc: 'the file to download (a path or URL)' },
      md5sum: { doc: 'its expected md5' },
      'alternate-url': { doc: 'where to download it from when url fails (not read by tsbuildout)' },
      filename: { doc: "the name of the file in location (default: the part's name); not read with destination" },
      offline: { doc: 'override of [buildout] offline (not read by tsbuildout)' },
      destination: { doc: 'the file to write, instead of <location>/<filename>' },
      mode: { doc: 'octal mode of the file' },
      ...LOCATION,
      ...SHARED,
    },
    required: ['url'],
    // location: without destination; target: the downloaded file
    generated: ['location', 'target'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    const { name, options } = ctx;
    const url = options.require('url');
    const md5sum = options.get('md5sum') || undefined;
    const destination = options.get('destination');
    const shared = buildSharedOption(options, name);
    if (shared && !md5sum) throw new RecipeError(`[${name}] shared: option 'md5sum' must be set`);
    if (shared && destination) throw new RecipeError(`[${name}] shared: option 'destination' can't be set`);
    let location: string | undefined;
    let target: string;
    if (destination) target = destination;
    else {
      location = partPlace(ctx, shared).location;
      options.set('location', location);
      target = join(location, options.get('filename') || name);
    }
    options.set('target', target);
    const fileMode = modeOption(options, name);
    const fetch = () => {
      const data = fetchOrStandIn(url, ctx, md5sum) ?? Buffer.alloc(0);
      // a filename may name a subdirectory of location (software/kvm: template/x.in)
      if (location) mkdirSync(dirname(target), { recursive: true });
      // as zc.buildout's Download, a destination's directory must exist; but
      // under --stub-software it may be in a part stood in, which built nothing
      else if (ctx.buildout.stubSoftware) mkdirSync(dirname(target), { recursive: true });
      else if (!existsSync(dirname(target))) throw new RecipeError(`[${name}] cannot download to ${target}: its directory does not exist (create it with a part installed before this one)`);
      writeIfChanged(target, data, fileMode);
    };
    return {
      install() {
        fetch();
        return [location ?? target];
      },
      // a file without md5sum may have changed: fetched again
      update: () => {
        if (!md5sum) fetch();
        return undefined;
      },
    };
  },
};

export const downloadUnpacked: RecipeModule = {
  names: ['slapos.recipe.build:download-unpacked'],
  // what it writes or fetches, instances read: it runs under --stub-software
  stubSoftware: 'renders',
  pureInit: true,
  schema: {
    doc: 'Downloads and unpacks an archive at install.',
    options: {
      url: { doc: 'the archive to download (a path or URL)' },
      md5sum: { doc: 'its expected md5' },
      'alternate-url': { doc: 'where to download it from when url fails (not read by tsbuildout)' },
      filename: { doc: 'the name of the downloaded archive (not read by tsbuildout)' },
      offline: { doc: 'override of [buildout] offline (not read by tsbuildout)' },
      destination: { doc: 'where the archive is extracted (default: location)' },
      'strip-top-level-dir': { doc: 'true/false: strip the top-level directory (unset: when it is the only entry)' },
      ...LOCATION,
      ...SHARED,
    },
    required: ['url'],
    generated: ['location'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    const { name, options, buildout, logger } = ctx;
    const url = options.require('url');
    const md5sum = options.get('md5sum') || undefined;
    const location = partPlace(ctx, buildSharedOption(options, name)).location;
    options.set('location', location);
    const destination = options.get('destination') || location;
    const stripText = (options.get('strip-top-level-dir') ?? '').trim().toLowerCase();
    if (!['', 'true', 'false'].includes(stripText)) throw new RecipeError(`[${name}] strip-top-level-dir: expected true or false, got '${stripText}'`);
    return {
      plan: ({ offline }) => [plannedDownload(url, runFetchSettings(buildout, name, offline))],
      install() {
        let archive: ReturnType<typeof downloadFile>;
        try {
          archive = downloadFile(url, runFetchSettings(buildout, name), md5sum);
        } catch (e) {
          // under --stub-software an archive that cannot be had is an empty directory (lib/download.ts fetchOrStandIn)
          if (!buildout.stubSoftware || !cannotBeHad(e)) throw e;
          logger.warning(`${e.message}: an empty stand-in instead (--stub-software)`);
          willCreate(destination);
          mkdirSync(destination, { recursive: true });
          return [destination];
        }
        // journalled before its temporary appears beside it (lib/files.ts willCreate)
        willCreate(destination);
        mkdirSync(dirname(destination), { recursive: true });
        // a temporary's name (sweepTemporaries removes it after a crash)
        const work = join(dirname(destination), temporaryName(basename(destination)));
        rmSync(work, { recursive: true, force: true });
        mkdirSync(work, 0o700);
        try {
          const tree = join(work, 'tree');
          mkdirSync(tree);
          extractArchive(archive.path, tree, { part: name, warn: (m) => logger.warning(m) });
          const top = readdirSync(tree);
          const single = top.length === 1 && lstatSync(join(tree, top[0]!)).isDirectory();
          if (stripText === 'true' && !single) throw new RecipeError(`[${name}] strip-top-level-dir: the archive has no single top-level directory`);
          const strip = stripText === 'true' || (stripText === '' && single);
          if (existsSync(destination)) rmSync(destination, { recursive: true, force: true });
          renameSync(strip ? join(tree, top[0]!) : tree, destination);
        } finally {
          rmSync(work, { recursive: true, force: true });
          if (archive.temporary) rmSync(archive.path, { force: true });
        }
        return [destination];
      },
      update: () => undefined,
    };
  },
};
