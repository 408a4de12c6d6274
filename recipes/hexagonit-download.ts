// hexagonit.recipe.download (docs/slapos-recipes.md#hexagonitrecipedownload):
// downloads `url` (checked against `md5sum`, through zc.buildout's download
// cache, `hash-name` default true) at install into `destination` (default
// `${buildout:parts-directory}/<part>`, written back at init with
// `location` and the defaults of `strip-top-level-dir`, `ignore-existing`,
// `download-only`, `hash-name`, `filename`). `download-only`: the file is
// copied there as `filename` (default the URL's file name), with `mode`;
// else the archive is unpacked (lib/archive.ts) and each top entry (of its
// single top directory with `strip-top-level-dir`) moved there, an
// existing one refused unless `ignore-existing`. Installed: the
// destination when it made it, else what it put there. Update does
// nothing. Under --stub-software it builds (stood in).
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RecipeError, type RecipeModule } from './api.ts';
import { extractArchive } from './lib/archive.ts';
import { downloadFile, plannedDownload, runFetchSettings, urlFileName } from './lib/download.ts';
import { parseMode, temporaryName, willCreate } from './lib/files.ts';
import { partsDirectory, readAllOptions } from './lib/options.ts';

/** hexagonit's TRUE_VALUES. */
const isTrue = (v: string | undefined) => ['yes', 'true', '1', 'on'].includes((v ?? '').trim().toLowerCase());

export const hexagonitDownload: RecipeModule = {
  names: ['hexagonit.recipe.download'],
  pureInit: true,
  stubSoftware: 'builds',
  schema: {
    doc: 'Downloads a file or an archive (and unpacks it) at install.',
    options: {
      url: { doc: 'the file or archive to download' },
      md5sum: { doc: 'its md5' },
      destination: { doc: 'where it goes (default ${buildout:parts-directory}/<part>, written back at init)' },
      'download-only': { doc: 'true: the file as it is, not unpacked', default: 'false' },
      filename: { doc: 'with download-only: its name in the destination (default the URL\'s)' },
      mode: { doc: 'with download-only: the file\'s mode (octal)' },
      'strip-top-level-dir': { doc: 'true: the archive\'s single top directory left out', default: 'false' },
      'ignore-existing': { doc: 'true: an entry already in the destination is kept, not an error', default: 'false' },
      'hash-name': { doc: 'true: the download cache names the file by the md5 of its URL', default: 'true' },
    },
    required: ['url'],
    anyOptions: true,
    // location: the destination
    generated: ['destination', 'location'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    const { name, options, buildout, logger } = ctx;
    const destination = options.get('destination') || join(partsDirectory(ctx), name);
    options.set('destination', destination);
    options.set('location', destination);
    for (const [k, v] of [['strip-top-level-dir', 'false'], ['ignore-existing', 'false'], ['download-only', 'false'], ['hash-name', 'true']] as const) if (!options.has(k)) options.set(k, v);
    options.set('filename', options.get('filename')?.trim() ?? '');
    const url = options.require('url');
    readAllOptions(options);
    return {
      plan: ({ offline }) => [plannedDownload(url, runFetchSettings(buildout, name, offline), isTrue(options.get('hash-name')))],
      install() {
        const file = downloadFile(url, runFetchSettings(buildout, name), options.get('md5sum')?.trim() || undefined, undefined, isTrue(options.get('hash-name')));
        const parts: string[] = [];
        try {
          if (!existsSync(destination)) {
            willCreate(destination);
            mkdirSync(destination, { recursive: true });
            parts.push(destination);
          }
          if (isTrue(options.get('download-only'))) {
            const target = join(destination, options.get('filename') || urlFileName(url));
            if (!parts.includes(destination)) willCreate(target);
            copyFileSync(file.path, target);
            const mode = options.get('mode')?.trim();
            if (mode) chmodSync(target, parseMode(mode));
            if (!parts.includes(destination)) parts.push(target);
            return parts;
          }
          // beside the destination (one file system for the moves; swept after a crash)
          const work = join(dirname(destination), temporaryName(basename(destination)));
          rmSync(work, { recursive: true, force: true });
          mkdirSync(work, 0o700);
          try {
            extractArchive(file.path, work, { part: name, warn: (m) => logger.warning(m) });
            const top = readdirSync(work);
            let base = work;
            if (isTrue(options.get('strip-top-level-dir'))) {
              if (top.length !== 1) throw new RecipeError(`[${name}] Invalid package contents: strip-top-level-dir needs one element at the root of the package, not ${top.length}`);
              base = join(work, top[0]!);
            }
            logger.info(`Extracting package to ${destination}`);
            const ignoreExisting = isTrue(options.get('ignore-existing'));
            for (const entry of readdirSync(base)) {
              const dest = join(destination, entry);
              if (lstatSync(dest, { throwIfNoEntry: false })) {
                if (!ignoreExisting) throw new RecipeError(`[${name}] File or directory already exists: ${dest} (remove it, or set ignore-existing = true)`);
                logger.info(`Ignoring existing target: ${dest}`);
                // shutil.move: into an existing directory, over an existing file
                renameSync(join(base, entry), lstatSync(dest).isDirectory() ? join(dest, entry) : dest);
                continue;
              }
              parts.push(dest);
              willCreate(dest);
              renameSync(join(base, entry), dest);
            }
          } finally {
            rmSync(work, { recursive: true, force: true });
          }
          return parts;
        } catch (e) {
          // nothing half-installed: what this install made goes
          for (const p of parts) rmSync(p, { recursive: true, force: true });
          throw e;
        } finally {
          if (file.temporary) rmSync(file.path, { force: true });
        }
      },
      update: () => undefined,
    };
  },
};
