// The acceptance releases of ../shared/corpus/slapos (helloworld,
// osie-coupler, html5as-base, caucase, mosquitto) as the node tests run
// them: the stub executables that stand in for their daemons (listening
// where the real ones would), the assignments their software profiles
// need, one instance of each and the connection parameters each publishes.
// Shared by test/slapos/acceptance.test.ts (the local master) and
// test/slapos/real-proxy.test.ts (the real proxy, over HTTP and HTTPS).
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { corpusRoot, repositoryRoot } from './paths.ts';
import { stubServer } from './node.ts';

export const corpus = corpusRoot();

/** An acceptance release's software.cfg. */
export const sr = (name: string) => join(corpus ?? '', 'software', name, 'software.cfg');

const HELLOWEB = stubServer('# helloweb-KIND --logfile FILE IPV6 PORT NAME...\nshift 2\nip=$1 port=$2\nshift 2\nexec node "$STUB" --body "Hello $*!" "[$ip]:$port"');

/** caucase's caucased (… --netloc HOST:PORT …: listens there) and caucase-probe (URL: the CA answers). */
const CAUCASE: Record<string, string> = {
  'bin/caucased': stubServer('# caucased … --netloc HOST:PORT …\nwhile [ $# -gt 0 ]; do [ "$1" = --netloc ] && netloc=$2; shift; done\nexec node "$STUB" --body caucase "$netloc"'),
  'bin/caucase-probe': '#!/bin/sh\n# caucase-probe URL: the CA answers\nexec node -e \'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), (e) => { console.error(String(e.cause || e)); process.exit(1); })\' "$1"\n',
};

/** The generic stand-in daemon: listens where its command line, or the configuration file it names, says. */
const DAEMON = stubServer('# DAEMON ARG…: listens where ARG… says\nexec node "$STUB" --argv "$@"');

/** nginx [-p PREFIX] -c CONF …: listens and serves the root CONF names */
const NGINX = stubServer('while [ $# -gt 0 ]; do [ "$1" = -c ] && conf=$2; shift; done\nexec node "$STUB" --nginx-conf "$conf"');

/** The files each release gets with --stub-bin, relative to its software directory. */
export const STUBS: Record<string, Record<string, string>> = {
  helloworld: { 'bin/helloweb-python': HELLOWEB, 'bin/helloweb-ruby': HELLOWEB, 'bin/helloweb-go': HELLOWEB },
  'osie-coupler': {
    // server -d DEV -s SLAVES -p PORT …: the OPC-UA server listens on PORT, every address
    'bin/server': stubServer('port=4840\nwhile [ $# -gt 0 ]; do [ "$1" = -p ] && port=$2; shift; done\nexec node "$STUB" --body opc-ua "[::]:$port"'),
  },
  'html5as-base': {
    'parts/nginx/sbin/nginx': stubServer('# nginx -c CONF: listens and serves the root CONF names\nexec node "$STUB" --nginx-conf "$2"'),
    'parts/dash/bin/dash': '#!/bin/sh\nexec /bin/sh "$@"\n',
  },
  caucase: CAUCASE,
  // the corpus-node run's (scripts/corpus-node.ts): the generic daemon for each release's own
  dream: { 'bin/dream_platform': DAEMON, 'parts/dream-repository.git/node_modules/grunt-cli/bin/grunt': '#!/bin/sh\n# grunt watch: stays up\nexec sleep infinity\n' },
  fluentd: { 'parts/fluentd/bin/fluentd': DAEMON },
  ssh: { 'parts/openssh/sbin/sshd': DAEMON },
  'nginx-push-stream': { 'parts/nginx-push-stream/sbin/nginx': NGINX },
  mosquitto: {
    // mosquitto -c CONF: listens on each `listener PORT HOST` of CONF
    'parts/mosquitto/sbin/mosquitto': stubServer('exec node "$STUB" --body mqtt $(awk \'/^listener /{h=$3; if (h ~ /:/) h="[" h "]"; print h ":" $2}\' "$2")'),
    // mosquitto_passwd -b FILE USER PASSWORD
    'parts/mosquitto/bin/mosquitto_passwd': '#!/bin/sh\necho "$3:$4" >> "$2"\n',
  },
};

/**
 * Stand-ins for the executables of components many releases share (stack/
 * monitor's apache, openssl), which their instances run while buildout
 * runs: laid out where the components are built (`parts/<component>/…`).
 */
export const COMPONENT_STUBS: Record<string, string> = {
  // htpasswd [-cbi…] FILE USER [PASSWORD]: one line USER:PASSWORD (-i: the password on standard input)
  'parts/apache/bin/htpasswd':
    '#!/bin/sh\n# stands in for apache\'s htpasswd\nflags=; case "$1" in -*) flags=$1; shift;; esac\nfile=$1 user=$2\ncase "$flags" in *b*) pw=$3;; *) read -r pw;; esac\ncase "$flags" in *c*) : > "$file";; esac\necho "$user:$pw" >> "$file"\n',
  // httpd -f CONF -DFOREGROUND (stack/monitor's): listens where CONF says, HTTPS and Basic authentication as it says
  'parts/apache/bin/httpd': stubServer('while [ $# -gt 0 ]; do [ "$1" = -f ] && conf=$2; shift; done\nexec node "$STUB" --body httpd --httpd-conf "$conf"'),
  'parts/nginx/sbin/nginx': NGINX,
  'parts/openssl-3.5/bin/openssl': '#!/bin/sh\n# stands in for the openssl component: the system\'s\nexec openssl "$@"\n',
  'parts/openssl-1.1/bin/openssl': '#!/bin/sh\n# stands in for the openssl component: the system\'s\nexec openssl "$@"\n',
  // ssh-keygen [-t TYPE] [-b BITS] -f FILE -N '' …: a key pair (of the system's ssh-keygen when there is one); -lf FILE: a fingerprint
  'parts/openssh/bin/ssh-keygen':
    '#!/bin/sh\n# stands in for the openssh component\ncommand -v ssh-keygen >/dev/null && exec ssh-keygen "$@"\nfile=; list=\nwhile [ $# -gt 0 ]; do case "$1" in -lf) list=1; file=$2; shift;; -f) file=$2; shift;; -[tbNCm]) shift;; esac; shift; done\nif [ -n "$list" ]; then echo "256 SHA256:$(cksum < "$file" | cut -d" " -f1) stub (ECDSA)"; exit 0; fi\necho "stub private key" > "$file"; echo "ssh-ed25519 stub" > "$file.pub"\n',
  // stack/caucase's CA, which many releases run (software/caucase's own)
  ...CAUCASE,
  // caucase-rerequest --template CSR --csr OUT --key KEY: a key and a request from the template
  'bin/caucase-rerequest':
    '#!/bin/sh\n# stands in for caucase\'s caucase-rerequest\nwhile [ $# -gt 0 ]; do case "$1" in --template) t=$2;; --csr) c=$2;; --key) k=$2;; esac; shift; done\nopenssl req -new -newkey rsa:2048 -nodes -keyout "$k" -subj /CN=stub -out "$c" 2>/dev/null\n',
  // an egg that instances find with zc.buildout.easy_install.working_set (stack/erp5's mariadb: pytz/zoneinfo)
  'eggs/pytz-2024.1.egg/EGG-INFO/PKG-INFO': 'Metadata-Version: 1.0\nName: pytz\nVersion: 2024.1\n',
  'eggs/pytz-2024.1.egg/pytz/__init__.py': '# stands in for pytz\n',
  // git clone … REPOSITORY DIRECTORY, git init [DIRECTORY]: an empty repository there (instances that clone what the release
  // built, software/slapos-testing; that init a work tree and fetch into it, software/gitlab); any other command does nothing
  'parts/git/bin/git':
    '#!/bin/sh\n# stands in for the git component\ncase "$1" in clone|init) ;; *) exit 0;; esac\nshift; dir=.\nfor a; do case "$a" in -*) ;; *) dir=$a;; esac; done\nmkdir -p "$dir" && cd "$dir" && { command -v git >/dev/null && git init -q . || true; }\n',
  // dcron's crontab [-c DIR] [-u USER] FILE|-: the table written to DIR/USER (Debian's crontab has no -c)
  'parts/dcron/bin/crontab':
    '#!/bin/sh\n# stands in for dcron\'s crontab\ndir=/var/spool/cron/crontabs user=$(id -un)\nwhile [ $# -gt 1 ]; do case "$1" in -c) dir=$2; shift;; -u) user=$2; shift;; esac; shift; done\nmkdir -p "$dir"\nif [ "$1" = - ]; then cat > "$dir/$user"; else cat "$1" > "$dir/$user"; fi\n',
  // postgresql (slapos.cookbook:postgres runs initdb, then postgres --single to create the database)
  'parts/postgresql/bin/initdb': '#!/bin/sh\n# stands in for initdb -D PGDATA …: the cluster directory\nmkdir -p "$2" && echo 16 > "$2/PG_VERSION"\n',
  'parts/postgresql/bin/pg_ctl': '#!/bin/sh\n# stands in for pg_ctl status: not running\nexit 3\n',
  'parts/postgresql/bin/psql': '#!/bin/sh\n# stands in for psql: reads its commands\ncat > /dev/null\n',
  'parts/postgresql/bin/postgres': stubServer(
    '# postgres --single …: reads its commands; postgres -D PGDATA: listens on listen_addresses and port of PGDATA/postgresql.conf\n[ "$1" = --single ] && { cat > /dev/null; exit 0; }\nconf="$2/postgresql.conf"\nport=$(sed -n "s/^port = //p" "$conf")\nexec node "$STUB" --body postgres $(sed -n "s/^listen_addresses = .\\(.*\\)./\\1/p" "$conf" | tr , "\\n" | awk -v p="${port:-5432}" \'{ h = $0; if (h ~ /:/) h = "[" h "]"; print h ":" p }\')',
  ),
  // dcron's crond …: runs no job, stays up as the service
  'parts/dcron/sbin/crond': '#!/bin/sh\n# stands in for dcron\'s crond\nexec sleep infinity\n',
  // slapos.toolbox's monitor.genstate, which stack/monitor runs once while buildout runs
  'bin/monitor.genstate': '#!/bin/sh\n# stands in for slapos.toolbox\'s monitor.genstate\nexit 0\n',
  // monitor.bootstrap -c CONF: records that it ran ([monitor] pid-file) and succeeded (an empty promise-output-file)
  'bin/monitor.bootstrap':
    '#!/bin/sh\n# stands in for slapos.toolbox\'s monitor.bootstrap\npid=$(sed -n "s/^pid-file = //p" "$2" | head -1)\nout=$(sed -n "s/^promise-output-file = //p" "$2" | head -1)\n[ -z "$pid" ] || echo $$ > "$pid"\n[ -z "$out" ] || : > "$out"\n',
};

/** Assignments of `node software` for a release. */
export const ASSIGNMENTS: Record<string, string[]> = {
  // the corpus leaves stack/caucase/caucase.jinja2.library out: a stand-in written for the tests
  caucase: [`caucase-jinja2-library:url=${join(repositoryRoot(), 'fixtures', 'slapos', 'caucase.jinja2.library')}`, 'caucase-jinja2-library:md5sum='],
};

/** One instance of each release: title, release, parameters (JSON). */
export const INSTANCES: [title: string, software: string, parameters?: string][] = [
  ['hello', 'helloworld', '{"name": "Acceptance"}'],
  ['coupler', 'osie-coupler'],
  ['site', 'html5as-base'],
  ['ca', 'caucase'],
  ['mqtt', 'mosquitto'],
];

/**
 * What each instance publishes, as the master stores it (JSON-in-XML
 * releases under `_`): checked against `c`.
 */
export function checkConnection(title: string, c: Record<string, string>): void {
  switch (title) {
    case 'hello':
      return assert.deepEqual(c, { name: 'Hello Acceptance!', 'url.go': 'http://[::1]:7779', 'url.python': 'http://[::1]:7777', 'url.ruby': 'http://[::1]:7778' });
    case 'coupler':
      return assert.deepEqual(c, { password: '""', 'url-ipv6': 'opc.tcp://[::1]:4840', username: '""' });
    case 'site':
      return assert.deepEqual(c, { server_url: 'http://[::1]:8081' });
    case 'ca':
      return assert.deepEqual(c, { _: '{"url": "http://[::1]:8009"}' });
    case 'mqtt':
      assert.equal(c.username, 'mosquitto');
      assert.match(c.password!, /^\w{16}$/);
      assert.equal(c['ipv4-url'], `mqtt://${c.ipv4}:1883`);
      assert.equal(c['ipv6-url'], `mqtt://${c.ipv6}:1883`);
      return;
    default:
      throw new Error(`no acceptance instance ${title}`);
  }
}

/**
 * What the corpus-node script gives a release of `tree`: the component
 * stand-ins, and when the acceptance suite knows the release its stub map
 * (a variant, software-dev.cfg, gets its directory's: the same daemons),
 * assignments and the parameters it requests it with (software.cfg's only).
 */
export function releaseStubs(tree: string, release: string): { files?: Record<string, string>; assignments?: string[]; parameters?: string } | undefined {
  const m = /^software\/([^/]+)\/(software[^/]*)\.cfg$/.exec(relative(tree, release));
  const name = m?.[1];
  const main = m?.[2] === 'software';
  const instance = main ? INSTANCES.find(([, s]) => s === name) : undefined;
  return { files: { ...COMPONENT_STUBS, ...(name ? STUBS[name] : {}) }, ...(main && name && ASSIGNMENTS[name] ? { assignments: ASSIGNMENTS[name] } : {}), ...(instance?.[2] ? { parameters: instance[2] } : {}) };
}
