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
// `location` written back at init, `${buildout:parts-directory}/<part>`),
// with the `tar` package: tar, tar.gz/tgz (other formats are refused). An
// entry that would land outside the destination (an absolute path, `..`, a
// hard link out of it) is refused. `strip-top-level-dir`: true strips the
// single top-level directory, false keeps it, unset strips it when it is the
// only entry. Install returns the destination; update does nothing.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, posix } from 'node:path';
import * as tar from 'tar';
import { strRepr } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { LOCATION, SHARED } from '../schema.ts';
import { fetchBytes } from '../lib/download.ts';
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
        const data = fetchBytes(url, { directory: buildout.directory, offline: buildout.offline, part: name }, md5sum);
        if (location) mkdirSync(location, { recursive: true });
        writeIfChanged(target, data, fileMode);
        return [location ?? target];
      },
      update: () => undefined,
    };
  },
};

/** The archive format from its first bytes. */
function sniff(file: string): 'tar' | 'gzip' | string {
  const head = Buffer.alloc(512);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (n >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (n >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (n >= 4 && head.subarray(0, 4).toString('latin1') === 'PK\x03\x04') return 'zip';
  if (n >= 4 && head.readUInt32BE(0) === 0x28b52ffd) return 'zstd';
  if (n >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return 'unknown';
}

/** Is this archive path inside the extraction directory? */
function inside(path: string): boolean {
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path)) return false;
  const n = normalize(path);
  return n !== '..' && !n.startsWith('../');
}

/** Extract a tar archive (gzip-compressed or not) into `into`, refusing entries that escape it. */
export function extractTar(archive: string, into: string, part: string): void {
  const format = sniff(archive);
  if (format !== 'tar' && format !== 'gzip') {
    throw new RecipeError(`[${part}] unsupported archive format (${format}): tsbuildout extracts tar and gzip-compressed tar archives`);
  }
  const bad: string[] = [];
  tar.t({
    file: archive,
    sync: true,
    onReadEntry(entry) {
      if (!inside(entry.path)) bad.push(entry.path);
      else if (entry.type === 'Link' && entry.linkpath && !inside(entry.linkpath)) bad.push(`${entry.path} (hard link to ${entry.linkpath})`);
    },
  });
  if (bad.length) throw new RecipeError(`[${part}] the archive has entries outside its destination, refused: ${bad.map((b) => strRepr(b)).join(', ')}`);
  tar.x({ file: archive, cwd: into, sync: true, strict: true, preserveOwner: false });
}

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
  init({ name, options, buildout }) {
    const url = options.require('url');
    const md5sum = options.get('md5sum') || undefined;
    const location = options.get('location') || join(buildout.section('buildout').require('parts-directory'), name);
    options.set('location', location);
    const destination = options.get('destination') || location;
    const stripText = (options.get('strip-top-level-dir') ?? '').trim().toLowerCase();
    if (!['', 'true', 'false'].includes(stripText)) throw new RecipeError(`[${name}] strip-top-level-dir: expected true or false, got '${stripText}'`);
    return {
      install() {
        const data = fetchBytes(url, { directory: buildout.directory, offline: buildout.offline, part: name }, md5sum);
        mkdirSync(dirname(destination), { recursive: true });
        const work = mkdtempSync(join(dirname(destination), `.${basename(destination)}-`));
        try {
          const archive = join(work, 'archive');
          writeFileSync(archive, data);
          const tree = join(work, 'tree');
          mkdirSync(tree);
          extractTar(archive, tree, name);
          const top = readdirSync(tree);
          const single = top.length === 1 && statSync(join(tree, top[0]!)).isDirectory();
          if (stripText === 'true' && !single) throw new RecipeError(`[${name}] strip-top-level-dir: the archive has no single top-level directory`);
          const strip = stripText === 'true' || (stripText === '' && single);
          if (existsSync(destination)) rmSync(destination, { recursive: true, force: true });
          renameSync(strip ? join(tree, top[0]!) : tree, destination);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
        return [destination];
      },
      update: () => undefined,
    };
  },
};
