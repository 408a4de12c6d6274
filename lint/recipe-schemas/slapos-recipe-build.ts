// slapos.recipe.build 0.65: the default entry (Python code in `init`,
// `install`, `update`) and its entries `:gitclone`, `:download`,
// `:download-unpacked`, `:mkdirectory` (spec slapos-recipes.md §2.7).
import type { RecipeSpec } from './types.ts';

const location = { location: { doc: 'where the part is installed (default: parts/<section>)' } };
const shared = { shared: { doc: 'install as a shared part (a path under the shared parts directory)' } };

export const slaposRecipeBuild: RecipeSpec[] = [
  {
    names: ['slapos.recipe.build', 'slapos.recipe.build:default'],
    doc: 'Runs the Python code of `init` (at initialisation), `install` and `update`; any other option is data for that code.',
    options: { init: {}, install: {}, update: {}, ...location, ...shared },
    anyOptions: true,
    generated: ['location'],
    generatesUnknownWith: { option: 'init', why: 'the `init` code of slapos.recipe.build may set any option' },
  },
  {
    names: ['slapos.recipe.build:gitclone'],
    doc: 'Clones a git repository at install.',
    options: {
      repository: {},
      branch: {},
      revision: {},
      develop: {},
      'ignore-cloning-submodules': {},
      'ignore-ssl-certificate': {},
      'git-executable': {},
      'git-command': {},
      'sparse-checkout': {},
      'use-cache': {},
      depth: {},
      ...location,
      ...shared,
    },
    required: ['repository'],
    generated: ['location'],
  },
  {
    names: ['slapos.recipe.build:download'],
    doc: 'Downloads one file at install.',
    options: { url: {}, md5sum: {}, 'alternate-url': {}, filename: {}, offline: {}, mode: {}, destination: {}, ...location, ...shared },
    required: ['url'],
    generated: ['location', 'target'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  {
    names: ['slapos.recipe.build:download-unpacked'],
    doc: 'Downloads and unpacks an archive at install.',
    options: { url: {}, md5sum: {}, 'alternate-url': {}, filename: {}, offline: {}, 'strip-top-level-dir': {}, destination: {}, ...location, ...shared },
    required: ['url'],
    generated: ['location'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  {
    names: ['slapos.recipe.build:mkdirectory'],
    doc: 'Creates the directories given as options.',
    options: { mode: {} },
    anyOptions: true,
    generated: [],
  },
];
