// slapos.cookbook 1.0.499 recipes (spec slapos-recipes.md §2.3–§2.16).
// Options other sections only reference (`${wrapper:url}`) are data: the
// linter counts an option as used when anything references it.
import type { RecipeSpec } from './types.ts';

const o = (...names: string[]) => Object.fromEntries(names.map((n) => [n, {}]));
const cookbook = (...entries: string[]) => entries.map((e) => `slapos.cookbook:${e}`);

const slapConnection = o('server-url', 'key-file', 'cert-file', 'computer-id', 'partition-id');

export const slaposCookbook: RecipeSpec[] = [
  {
    names: cookbook('wrapper'),
    doc: 'Writes a wrapper script that execs `command-line`.',
    options: o(
      'command-line', 'wrapper-path', 'hash-existing-files', 'hash-files', 'environment', 'pidfile', 'wait-for-files',
      'private-tmpfs', 'reserve-cpu', 'sig-ign', 'redirect-signal', 'redirect-stdout', 'redirect-stderr', 'private-dev-shm',
    ),
    required: ['command-line', 'wrapper-path'],
    generated: ['_d', '_e', '__hash_files__'],
  },
  {
    names: cookbook('promise.plugin'),
    doc: 'Writes a promise plugin (a Python file in etc/plugin).',
    options: o('output', 'module', 'file', 'class', 'eggs', 'mode', 'content'),
    optionPrefixes: ['config-'],
    required: ['output'],
    oneOf: [['module', 'file', 'content']],
    generated: ['eggs-directory', 'develop-eggs-directory'],
  },
  {
    names: cookbook('mkdirectory'),
    doc: 'Creates every directory given as an option.',
    options: o('mode'),
    anyOptions: true,
    generated: [],
  },
  {
    names: cookbook('publish', 'publish.serialised', 'publish_failsafe', 'publish.serialised_failsafe'),
    doc: 'Publishes its options as connection parameters.',
    options: o('-extends', '-publish', '-slave-reference', '-error-status-file'),
    anyOptions: true,
    generated: [],
    sectionOptions: [{ option: '-extends', syntax: 'section-list' }],
  },
  {
    names: cookbook('publish-early'),
    doc: 'Publishes values at initialisation and injects published values into other sections.',
    options: o('-init'),
    anyOptions: true,
    generatesUnknown: 'publish-early sets the options named by its -init lines from what the master returns',
  },
  {
    names: cookbook('generate.password'),
    doc: 'Generates (once) and stores a password; sets `passwd`.',
    options: o('bytes', 'storage-path', 'create-once', 'passwd'),
    anyOptions: true,
    generated: ['passwd', 'storage-path'],
    generatedPrefixes: ['passwd-'],
  },
  {
    names: cookbook('cron.d'),
    doc: 'Writes one crontab entry.',
    options: o('cron-entries', 'name', 'command', 'frequency', 'time', 'once-a-day'),
    required: ['cron-entries', 'name', 'command'],
    oneOf: [['frequency', 'time', 'once-a-day']],
    generated: [],
  },
  {
    names: cookbook('cron'),
    doc: 'Writes the dcron service wrapper.',
    options: o('binary', 'dcrond-binary', 'cron-entries', 'crontabs', 'cronstamps', 'catcher', 'log-file'),
    generated: [],
  },
  {
    names: cookbook('simplelogger'),
    options: o('wrapper', 'log'),
    generated: [],
  },
  {
    names: cookbook('request', 'requestoptional', 'request.serialised', 'requestoptional.serialised'),
    doc: 'Requests an instance from the master at initialisation; sets `connection-<key>` for each `return` key.',
    options: { ...slapConnection, ...o('software-url', 'name', 'software-type', 'shared', 'return', 'state', 'slave') },
    optionPrefixes: ['config-', 'sla-'],
    required: ['software-url', 'name'],
    generated: ['requested-state', 'instance-guid', 'instance_guid', 'instance-state', 'instance-status'],
    generatedPrefixes: ['connection-'],
  },
  {
    names: cookbook('switch-softwaretype'),
    doc: 'Runs the profile named for the software type (`TYPE = section:option`).',
    options: o('default', 'RootSoftwareInstance', 'override'),
    anyOptions: true,
    generated: [],
  },
  {
    names: cookbook(
      'slapconfiguration', 'slapconfiguration.serialised', 'slapconfiguration.jsonschema', 'slapconfiguration.jsonschema.localdb',
      'slapconfiguration.instancenode.deferred',
    ),
    doc: 'Reads the partition configuration from the master at initialisation.',
    options: {
      ...slapConnection,
      ...o('url', 'key', 'cert', 'computer', 'partition', 'storage-home', 'jsonschema', 'validate-parameters', 'set-default', 'unstringify', 'report-error', 'unwrap-shared'),
    },
    optionPrefixes: ['configuration.'],
    generated: [
      'instance-state', 'slap-software-type', 'slap-computer-partition-id', 'slap-computer-id', 'slap-software-release-url',
      'slave-instance-list', 'timestamp', 'instance-title', 'root-instance-title', 'root-instance-short-title', 'instance-guid',
      'ipv4', 'ipv6', 'ipv4-random', 'ipv6-random', 'storage-dict', 'configuration', 'valid-shared-instance-list', 'invalid-shared-instance-list',
    ],
    generatedPrefixes: ['configuration.'],
    generatesUnknown: 'slapconfiguration also sets every key of the partition resource file (.slapos-resource)',
  },
  {
    names: cookbook('free_port'),
    doc: 'Finds a free port at initialisation; sets `port`.',
    options: o('ip', 'minimum', 'maximum'),
    generated: ['port'],
  },
  {
    names: cookbook('check_port_listening'),
    options: o('path', 'hostname', 'port'),
    generated: [],
  },
  {
    names: cookbook('check_url_available'),
    options: o('path', 'url', 'dash_path', 'curl_path', 'check-secure', 'http_code', 'timeout-file-path', 'ca-cert-file', 'cert-file', 'key-file'),
    generated: [],
  },
  {
    names: cookbook('check_parameter'),
    options: o('path', 'value', 'expected-type', 'expected-value', 'expected-not-value'),
    generated: [],
  },
  {
    names: cookbook('userinfo'),
    options: {},
    generated: ['pw-name', 'pw-uid', 'pw-gid', 'pw-dir', 'pw-shell', 'gr-name', 'gr-gid'],
  },
  {
    names: cookbook('urlparse'),
    options: o('url'),
    generated: ['scheme', 'username', 'password', 'host', 'port', 'path', 'params', 'query', 'fragment'],
  },
  { names: cookbook('random.time'), options: {}, generated: ['time'] },
  { names: cookbook('random.integer'), options: o('minimum', 'maximum'), generated: ['value'] },
  { names: cookbook('generate.mac'), options: o('storage-path', 'mac-address'), generated: ['mac-address'] },
  {
    names: cookbook('certificate_authority'),
    options: o('ca-dir', 'requests-directory', 'ca-private', 'ca-certs', 'ca-newcerts', 'ca-crl', 'wrapper', 'openssl-binary', 'country-code', 'email', 'state', 'city', 'company'),
    generated: [],
  },
  {
    names: cookbook('certificate_authority.request'),
    options: o(
      'key-file', 'cert-file', 'name', 'executable', 'wrapper', 'key-content', 'cert-content',
      // the options of the authority, usually inherited through a macro
      'requests-directory', 'ca-dir', 'ca-private', 'ca-certs', 'ca-newcerts', 'ca-crl',
    ),
    generated: [],
  },
  {
    names: cookbook('simplehttpserver'),
    options: o('host', 'port', 'socketpath', 'abstract', 'base-path', 'log-file', 'wrapper', 'cert-file', 'key-file', 'allow-write'),
    generated: ['address'],
  },
  {
    names: cookbook('zero-knowledge.read'),
    options: o('filename', 'file-path'),
    anyOptions: true,
    generatesUnknown: 'zero-knowledge.read copies the keys of an INI file into its section',
  },
  { names: cookbook('zero-knowledge.write'), options: o('filename', 'file-path'), anyOptions: true, generated: [] },
  {
    names: cookbook('postgres'),
    options: o('bin', 'dbname', 'ipv4', 'ipv6', 'port', 'pgdata-directory', 'services', 'superuser', 'password', 'ipv4-netmask-bits', 'ipv6-netmask-bits'),
    anyOptions: true,
    generated: ['url'],
  },
  { names: cookbook('symbolic.link'), options: o('target-directory', 'link-binary'), generated: [] },
  { names: ['cns.recipe.symlink'], options: o('symlink', 'symlink_target', 'symlink_base', 'autocreate'), generated: [] },
];
