// slapos.cookbook:generic.cloudooo (slapos/recipe/generic_cloudooo): the
// configuration of a cloudooo conversion server (the recipe's template,
// cloudooo.cfg.in, filled in with Python's `%` formatting) and its service
// script running `<ooo-paster> serve <configuration-file>` (a shell exec
// where the recipe writes a Python script calling slapos.cookbook's
// execute_with_signal_translation, which a tsbuildout node does not have:
// the same command, signals reaching it directly). `environment`
// lines KEY = VALUE become `env-KEY = VALUE` lines; the mimetype entries
// are `mimetype_entry_addition`'s then the recipe's defaults, sorted as
// strings where `*` sorts after every other character. Returns both files;
// update = install.
import { RecipeError, type RecipeModule } from '../api.ts';
import { createExecutable, createFile } from '../lib/files.ts';
import { shellQuote } from '../lib/shlex.ts';

const DEFAULT_MIMETYPE_ENTRIES = [
  'application/vnd.oasis.opendocument* * ooo',
  'application/vnd.sun.xml* * ooo',
  'application/pdf text/* pdf',
  'application/pdf * ooo',
  'video/* * ffmpeg',
  'audio/* * ffmpeg',
  'application/x-shockwave-flash * ffmpeg',
  'application/ogg * ffmpeg',
  'application/ogv * ffmpeg',
  'image/png image/jpeg imagemagick',
  'image/png * ooo',
  'image/* image/* imagemagick',
  'text/* * ooo',
  'application/zip * ooo',
  'application/msword * ooo',
  'application/vnd* * ooo',
  'application/x-vnd* * ooo',
  'application/postscript * ooo',
  'application/wmf * ooo',
  'application/csv * ooo',
  'application/x-openoffice-gdimetafile * ooo',
  'application/x-emf * ooo',
  'application/emf * ooo',
  'application/octet* * ooo',
  '* application/vnd.oasis.opendocument* ooo',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document application/x-asc-text x2t',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet application/x-asc-spreadsheet x2t',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation application/x-asc-presentation x2t',
  'application/x-asc-text application/vnd.openxmlformats-officedocument.wordprocessingml.document x2t',
  'application/x-asc-spreadsheet application/vnd.openxmlformats-officedocument.spreadsheetml.sheet x2t',
  'application/x-asc-presentation application/vnd.openxmlformats-officedocument.presentationml.presentation x2t',
  'application/vnd.oasis.opendocument.text application/x-asc-text x2t',
  'application/vnd.oasis.opendocument.spreadsheet application/x-asc-spreadsheet x2t',
  'application/vnd.oasis.opendocument.presentation application/x-asc-presentation x2t',
  'application/x-asc-text application/vnd.oasis.opendocument.text x2t',
  'application/x-asc-spreadsheet application/vnd.oasis.opendocument.spreadsheet x2t',
  'application/x-asc-presentation application/vnd.oasis.opendocument.presentation x2t',
];

/** compareMimetypeEntryPair: character by character, `*` stronger than any other. */
export function compareMimetypeEntries(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      if (a[i] === '*') return 1;
      if (b[i] === '*') return -1;
      return a[i]! < b[i]! ? -1 : 1;
    }
  }
  // then the recipe looks at the last index its loop reached (n - 1, not n):
  // a common prefix compares as "greater" either way; kept as it sorts
  const j = n > 0 ? n - 1 : 0;
  if (a.slice(j, j + 1)) return 1;
  if (b.slice(j, j + 1)) return -1;
  return 0;
}

const TEMPLATE = (v: Record<string, string>) => `[app:main]
use = egg:cloudooo
#
## System config
#
debug_mode = True
# Folder where pid files, lock files and virtual frame buffer mappings
# are stored. In this folder is necessary create a folder tmp, because this
# folder is used to create all temporary documents.
working_path = ${v.working_path}
# Folder where UNO library is installed
uno_path = ${v.uno_path}
# Folder where soffice.bin is installed
office_binary_path = ${v.office_binary_path}
# Whether running scripts on the loaded document is allowed
ooo_enable_scripting = ${v.ooo_enable_scripting}
#
## Monitor Settings
#
# Limit to use the Openoffice Instance. if pass of the limit, the instance is
# stopped and another is started.
limit_number_request = 100
# Interval to check the factory
monitor_interval = 10
timeout_response = 180
enable_memory_monitor = True
# Set the limit in MB
# e.g 1000 = 1 GB, 100 = 100 MB
limit_memory_used = 3000
#
## OOFactory Settings
#
# The pool consist of several OpenOffice.org instances
application_hostname = ${v.ip}
# OpenOffice Port
openoffice_port = ${v.openoffice_port}

# LD_LIBRARY_PATH and other environment variables
# passed to OpenOffice
${v.ENVIRONMENT_VARIABLE_LIST}

#
# Mimetype Registry
# It is used to select the handler that will be used in conversion.
# Priority matters, first match take precedence on next lines.
mimetype_registry =
${v.MIMETYPE_ENTRY_LIST}

[server:main]
use = egg:PasteScript#wsgiutils
host = ${v.ip}
port = ${v.port}
`;

function int(name: string, key: string, value: string): string {
  if (!/^\s*[+-]?\d+\s*$/.test(value)) throw new RecipeError(`[${name}] ${key}: invalid literal for int() with base 10: '${value}'`);
  return String(BigInt(value.trim()));
}

export const genericCloudooo: RecipeModule = {
  names: ['slapos.cookbook:generic.cloudooo'],
  pureInit: true,
  schema: {
    doc: 'Writes a cloudooo server\'s configuration and its service script.',
    options: {
      'data-directory': { doc: 'its working directory' },
      'ooo-uno-path': { doc: 'where the UNO library is' },
      'ooo-binary-path': { doc: 'where soffice.bin is' },
      ip: { doc: 'the address it listens on' },
      port: { doc: 'its port' },
      'openoffice-port': { doc: 'the first port of its LibreOffice instances' },
      ooo_enable_scripting: { doc: 'whether documents may run scripts', default: 'false' },
      environment: { doc: 'KEY = VALUE lines passed to LibreOffice' },
      mimetype_entry_addition: { doc: 'mimetype entries before the defaults, one a line' },
      'configuration-file': { doc: 'the configuration written' },
      wrapper: { doc: 'the service script written' },
      'ooo-paster': { doc: 'cloudooo_paster' },
    },
    required: ['data-directory', 'ooo-uno-path', 'ooo-binary-path', 'ip', 'port', 'openoffice-port', 'environment', 'configuration-file', 'wrapper', 'ooo-paster'],
    generated: [],
  },
  init({ name, options }) {
    const o = (k: string) => options.require(k);
    const install = () => {
      const env: string[] = [];
      for (const raw of o('environment').split(/\r?\n/)) {
        const line = raw.trim();
        if (!line) continue;
        const parts = line.split('=');
        if (parts.length === 1) throw new RecipeError(`Line '${line}' in environment parameter is incorrect`);
        if (parts.length > 2) throw new RecipeError(`[${name}] environment: too many values to unpack (expected 2) in '${line}'`);
        env.push(`env-${parts[0]!.trim()} = ${parts[1]!.trim()}`);
      }
      const entries = (options.get('mimetype_entry_addition') ?? '').split(/\r?\n/).filter((l) => l && l.trim()).map((l) => l.trim());
      entries.push(...DEFAULT_MIMETYPE_ENTRIES);
      entries.sort(compareMimetypeEntries);
      const config = createFile(
        o('configuration-file'),
        TEMPLATE({
          working_path: o('data-directory'),
          uno_path: o('ooo-uno-path'),
          office_binary_path: o('ooo-binary-path'),
          ip: o('ip'),
          port: int(name, 'port', o('port')),
          openoffice_port: int(name, 'openoffice-port', o('openoffice-port')),
          ooo_enable_scripting: options.get('ooo_enable_scripting') ?? 'false',
          ENVIRONMENT_VARIABLE_LIST: env.join('\n'),
          MIMETYPE_ENTRY_LIST: entries.map((l) => '  ' + l).join('\n'),
        }),
      );
      const command = [o('ooo-paster').trim(), 'serve', config].map(shellQuote).join(' ');
      // mode 0755, as zc.buildout's scripts
      return [config, createExecutable(o('wrapper'), `#!/bin/sh\nexec ${command}\n`, 0o755)];
    };
    return { install, update: install };
  },
};
