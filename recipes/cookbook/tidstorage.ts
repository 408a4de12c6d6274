// slapos.cookbook:tidstorage (slapos/recipe/tidstorage): the tidstorage
// configuration (a Python file, `configuration-path`, mode 0600: the
// recipe's template with the options), the tidstoraged service
// (`tidstorage-wrapper`, when given) and the repozo wrapper
// (`repozo-wrapper`), shell wrappers as librecipe writes them. Returns the
// three; update = install.
import type { RecipeModule } from '../api.ts';
import { createFile } from '../lib/files.ts';
import { createWrapper } from '../lib/wrapper-script.ts';

export const tidstorage: RecipeModule = {
  names: ['slapos.cookbook:tidstorage'],
  pureInit: true,
  schema: {
    doc: 'Writes the tidstorage configuration, its service and its repozo wrapper.',
    options: {
      'configuration-path': { doc: 'the configuration written' },
      'known-tid-storage-identifier-dict': { doc: 'the storages, a Python dict literal' },
      ip: { doc: 'the address tidstorage listens on' },
      port: { doc: 'its port' },
      'timestamp-file-path': { doc: 'the timestamp file' },
      'logfile-name': { doc: 'its log file' },
      'pidfile-name': { doc: 'its pid file' },
      'status-file': { doc: 'its status file' },
      'tidstorage-wrapper': { doc: 'the service script (optional)' },
      'tidstoraged-binary': { doc: 'tidstoraged' },
      'repozo-wrapper': { doc: 'the repozo script' },
      'tidstorage-repozo-binary': { doc: 'tidstorage\'s repozo' },
      'repozo-binary': { doc: 'repozo' },
    },
    required: ['configuration-path', 'known-tid-storage-identifier-dict', 'ip', 'port', 'timestamp-file-path', 'logfile-name', 'pidfile-name', 'status-file', 'repozo-wrapper', 'tidstorage-repozo-binary', 'repozo-binary'],
    generated: [],
  },
  init({ options }) {
    const o = (k: string) => options.require(k);
    const install = () => {
      const configuration = createFile(
        o('configuration-path'),
        `known_tid_storage_identifier_dict = ${o('known-tid-storage-identifier-dict')}\naddress = '${o('ip')}'\nport = ${o('port')}\n\n#fork = False\n#setuid = None\n#setgid = None\nburst_period = 30\nfull_dump_period = 300\n\ntimestamp_file_path = '${o('timestamp-file-path')}'\nlogfile_name = '${o('logfile-name')}'\npidfile_name = '${o('pidfile-name')}'\nstatus_file = '${o('status-file')}'\n`,
      );
      const out = [configuration];
      const wrapper = options.get('tidstorage-wrapper');
      if (wrapper) out.push(createWrapper(wrapper, { args: [o('tidstoraged-binary'), '--nofork', '--config', configuration] }));
      out.push(createWrapper(o('repozo-wrapper'), { args: [o('tidstorage-repozo-binary'), '--config', configuration, '--repozo', o('repozo-binary'), '--gzip', '--quick'] }));
      return out;
    };
    return { install, update: install };
  },
};
