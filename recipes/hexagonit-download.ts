// hexagonit.recipe.download: downloads a file or an archive (unpacked) at
// install into `destination` (default `${buildout:parts-directory}/<part>`,
// written back at init, with `location`). tsbuildout does not fetch it yet:
// its install is refused, or stood in under --stub-software.
import { join } from 'node:path';
import type { RecipeModule } from './api.ts';
import { partsDirectory, readAllOptions } from './lib/options.ts';
import { refusedBuild } from './stand-in.ts';

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
    },
    required: ['url'],
    anyOptions: true,
    // location: the destination
    generated: ['destination', 'location'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    const destination = ctx.options.get('destination') || join(partsDirectory(ctx), ctx.name);
    ctx.options.set('destination', destination);
    ctx.options.set('location', destination);
    readAllOptions(ctx.options);
    return refusedBuild(ctx.name, 'hexagonit.recipe.download');
  },
};
