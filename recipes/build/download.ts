// slapos.recipe.build:download and :download-unpacked
// (docs/slapos-recipes.md#slaposrecipebuild).
//
// :download fetches `url` (checked against `md5sum`) at install. Without
// `destination`, init writes back `location` = `${buildout:parts-directory}/
// <part>` and `target` = `<location>/<filename or the URL's base name>`, and
// install returns the location; with `destination`, that file is `target`.
// `mode` (octal) sets the file's mode.
//
// :download-unpacked extracts the archive into `destination` (default the
// `location` written back at init, `${buildout:parts-directory}/<part>`)
// with setuptools' rules (lib/archive.ts: what would land outside the
// destination or read a host file is skipped). `strip-top-level-dir`: true strips the
// single top-level directory, false keeps it, unset strips it when it is the
// only entry. Install returns the destination; update does nothing.
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { RecipeError, type RecipeModule } from '../api.ts';
import { LOCATION, SHARED } from '../schema.ts';
import { extractArchive } from '../lib/archive.ts';
import { downloadFile, fetchBytes, runFetchSettings } from '../lib/download.ts';
import { temporaryName } from '../lib/files.ts';
import { modeOption, writeIfChanged } from '../lib/files.ts';


/** The base name of a URL's path (or of a path). */
export function urlBasename(url: string): string {
  const path = url.replace(/[?#].*$/, '');
  return posix.basename(path.replace(/\/+$/, ''));
}

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
      filename: { doc: "the name of the file in location (default: the URL's base name)" },
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
  init({ name, options, buildout }) {
    const url = options.require('url');
    const md5sum = options.get('md5sum') || undefined;
    const filename = options.get('filename');
    const destination = options.get('destination');
    if (filename !== undefined && destination !== undefined) throw new RecipeError('Parameters filename and destination are exclusive.');
    let location: string | undefined;
    let target: string;
    if (destination) target = destination;
    else {
      location = options.get('location') || join(buildout.section('buildout').require('parts-directory'), name);
      options.set('location', location);
      target = join(location, filename || urlBasename(url));
    }
    options.set('target', target);
    const fileMode = modeOption(options, name);
    return {
      install() {
        const data = fetchBytes(url, runFetchSettings(buildout, name), md5sum);
        if (location) mkdirSync(location, { recursive: true });
        writeIfChanged(target, data, fileMode);
        return [location ?? target];
      },
      update: () => undefined,
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
  init({ name, options, buildout, logger }) {
    const url = options.require('url');
    const md5sum = options.get('md5sum') || undefined;
    const location = options.get('location') || join(buildout.section('buildout').require('parts-directory'), name);
    options.set('location', location);
    const destination = options.get('destination') || location;
    const stripText = (options.get('strip-top-level-dir') ?? '').trim().toLowerCase();
    if (!['', 'true', 'false'].includes(stripText)) throw new RecipeError(`[${name}] strip-top-level-dir: expected true or false, got '${stripText}'`);
    return {
      install() {
        const archive = downloadFile(url, runFetchSettings(buildout, name), md5sum);
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
