// slapos.cookbook:postgres (slapos/recipe/postgres.py): a PostgreSQL
// cluster in `pgdata-directory`, made once with `<bin>/initdb` (ident
// authentication, UTF8, `superuser` as its owner), the database `dbname`
// created and the superuser's password set (md5 of password + user) through
// `<bin>/postgres --single`, or `<bin>/psql` when the server runs (its
// postmaster.pid and `pg_ctl status`); postgresql.conf and pg_hba.conf
// written on every run (listening on `ipv4` and `ipv6`, one address a
// line; md5 from those networks); `services`/postgres-start runs the
// server in the foreground. `url` is the DBAPI URL on the first IPv6
// address. A failed first install removes the half-made cluster.
// update = install.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecipeError, type RecipeModule } from '../api.ts';
import { createExecutable, willCreate } from '../lib/files.ts';

/** Python's str.splitlines. */
const lines = (text: string) => (text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/));

export const postgres: RecipeModule = {
  names: ['slapos.cookbook:postgres'],
  pureInit: true,
  schema: {
    doc: 'Creates a PostgreSQL cluster with a database and a superuser, its configuration and its service.',
    options: {
      bin: { doc: 'the directory of initdb, postgres, pg_ctl and psql' },
      dbname: { doc: 'the database created' },
      ipv4: { doc: 'the IPv4 addresses to listen on, one a line (may be empty)' },
      ipv6: { doc: 'the IPv6 addresses to listen on, one a line (may be empty)' },
      port: { doc: 'the port, for every address' },
      'pgdata-directory': { doc: 'the cluster (configuration and data)' },
      services: { doc: 'where postgres-start is written' },
      superuser: { doc: 'the superuser created' },
      password: { doc: "the superuser's password" },
      'max-connections': { doc: 'max_connections', default: '100' },
      'ipv4-netmask-bits': { doc: 'the IPv4 networks allowed', default: '32' },
      'ipv6-netmask-bits': { doc: 'the IPv6 networks allowed', default: '128' },
    },
    required: ['bin', 'dbname', 'ipv4', 'ipv6', 'port', 'pgdata-directory', 'services', 'superuser', 'password'],
    generated: ['url'],
  },
  init({ name, options }) {
    const o = (k: string) => options.require(k);
    const ipv6First = options.get('ipv6') ? o('ipv6').split(/\r?\n/)[0] : undefined;
    if (ipv6First !== undefined) options.set('url', `postgresql://${o('superuser')}:${o('password')}@[${ipv6First}]:${o('port')}/${o('dbname')}`);

    const binary = (tool: string) => {
      const path = join(o('bin'), tool);
      if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new RecipeError(`[${name}] File not found: ${path}`);
      return path;
    };
    const run = (tool: string, args: string[], input?: string) => spawnSync(binary(tool), args, { input, stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'] });
    const pgdata = () => o('pgdata-directory');
    /** A command in single-user mode, no server running (its exit status is not looked at, as the recipe's). */
    const single = (sql: string) => run('postgres', ['--single', '-D', pgdata(), 'postgres'], sql + '\n');

    const createCluster = () => {
      const r = run('initdb', ['-D', pgdata(), '-A', 'ident', '-E', 'UTF8', '-U', o('superuser')]);
      if (r.status !== 0) throw new RecipeError(`Could not create cluster directory in ${pgdata()}`);
    };
    const createConfig = (): string[] => {
      const ipv4 = lines(o('ipv4'));
      const ipv6 = lines(o('ipv6'));
      const conf = join(pgdata(), 'postgresql.conf');
      // the recipe joins a Python set (its order is the hash's): here IPv4 then IPv6, each once
      willCreate(conf);
      writeFileSync(
        conf,
        `listen_addresses = '${[...new Set([...ipv4, ...ipv6])].join(',')}'\n${o('port') ? `port = ${o('port')}` : ''}\nlogging_collector = on\nlog_rotation_size = 50MB\nmax_connections = ${options.get('max-connections') ?? '100'}\ndatestyle = 'iso, mdy'\n\nlc_messages = 'C.UTF-8'\nlc_monetary = 'C.UTF-8'\nlc_numeric = 'C.UTF-8'\nlc_time = 'C.UTF-8'\ndefault_text_search_config = 'pg_catalog.english'\n\nunix_socket_directories = '${pgdata()}'\nunix_socket_permissions = 0700\n`,
      );
      const hba = join(pgdata(), 'pg_hba.conf');
      const v4bits = options.get('ipv4-netmask-bits') ?? '32';
      const v6bits = options.get('ipv6-netmask-bits') ?? '128';
      willCreate(hba);
      writeFileSync(
        hba,
        [
          '# TYPE  DATABASE        USER            ADDRESS                 METHOD',
          '',
          '# "local" is for Unix domain socket connections only (check unix_socket_permissions!)',
          'local   all             all                                     trust',
          'host    all             all             127.0.0.1/32            md5',
          'host    all             all             ::1/128                 md5',
          ...ipv4.map((ip) => `host    all             all             ${ip}/${v4bits}                   md5`),
          ...ipv6.map((ip) => `host    all             all             ${ip}/${v6bits}                   md5`),
        ].join('\n'),
      );
      return [conf, hba];
    };
    const serverRunning = () => {
      const pid = join(pgdata(), 'postmaster.pid');
      if (!existsSync(pid)) return false;
      const r = run('pg_ctl', ['status', '-D', pgdata()]);
      if (r.status === 3) {
        // not running: its pid file is stale
        unlinkSync(pid);
        return false;
      }
      if (r.status !== 0) throw new RecipeError(`[${name}] ${join(o('bin'), 'pg_ctl')} status -D ${pgdata()} exited with ${r.status}`);
      return true;
    };
    const updateSuperuser = () => {
      const user = o('superuser');
      const encrypted = 'md5' + createHash('md5').update(o('password') + user).digest('hex');
      const query = `ALTER USER "${user}" ENCRYPTED PASSWORD '${encrypted}'`;
      if (serverRunning()) {
        const r = run('psql', ['-h', pgdata(), '-p', o('port'), '-U', user, '-d', o('dbname')], query + '\n');
        if (r.status !== 0) throw new RecipeError('Error updating password');
      } else single(query);
    };
    const createRunScript = () => [createExecutable(join(o('services'), 'postgres-start'), `#!/bin/sh\nexec ${o('bin')}/postgres \\\n    -D ${pgdata()}\n`)];

    const install = () => {
      const paths: string[] = [];
      if (!existsSync(pgdata())) {
        try {
          createCluster();
          paths.push(...createConfig());
          single(`CREATE DATABASE "${o('dbname')}"`);
          updateSuperuser();
          paths.push(...createRunScript());
        } catch (e) {
          // no half-made cluster: the next run would not make it again
          rmSync(pgdata(), { recursive: true, force: true });
          throw e;
        }
      } else {
        paths.push(...createConfig(), ...createRunScript());
        updateSuperuser();
      }
      return paths;
    };
    return { install, update: install };
  },
};
