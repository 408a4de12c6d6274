// slapos.cookbook:zabbixagent (slapos/recipe/zabbixagent): a Zabbix agent
// with its own crond and logrotate, as that old recipe (a BaseSlapRecipe:
// Python 2 only, which software/zabbix-agent pins) does it.
//
// Init: `eggs` = slapos.cookbook, `slapos_timestamp` = the time (so the part
// is installed again on every run). Install: the partition's directories
// (bin sbin srv srv/backup etc etc/run etc/report etc/promise var
// var/xml_report var/log var/run tmp, mode 0700); crond: srv/cronstamps,
// var/log/cron-output, etc/cron.d, etc/crontabs, bin/catchcron (the script
// storing a cron job's mail in cron-output) and the service etc/run/crond
// running `dcrond_binary -s etc/cron.d -c etc/crontabs -t srv/cronstamps -f
// -l 5 -M bin/catchcron`; logrotate: etc/logrotate.d, srv/backup/logrotate,
// etc/logrotate.conf (`include etc/logrotate.d`) and the cron job
// etc/cron.d/logrotate; the agent: its log's logrotate entry,
// etc/zabbix_agentd.conf (the recipe's template: the partition's first IPv6
// address, port 10050, the instance parameters `hostname`, `server` and
// `custom-user-parameter`), bin/zabbixagentd running `zabbix_agentd_binary
// -c` it and the service etc/run/zabbixagentd (svcdaemon: the agent
// started, then watched through its pid file); then publishes `ip`, `name`
// (the hostname) and `port`. The instance parameters are the master's
// (`hostname` and `server` are required: the original fails with KeyError).
// The scripts are zc.buildout console scripts calling the recipe's modules,
// as the original writes them (Python 2 code: they run with a Python 2
// release only); the svcdaemon argument dict is written in insertion order.
// Returns what the original returns; update = install.
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join, resolve } from 'node:path';
import { floatRepr, PyDict, PyList, PyTuple, repr, strRepr, type PyValue } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { consoleScriptEnvironment, createConsoleScript } from '../lib/console-script.ts';
import { createFile } from '../lib/files.ts';
import { masterCall, slapConnection } from '../slap/connection.ts';

/** template/zabbix_agentd.conf.in, `%` formatting done. */
const CONF = (v: Record<string, string>) => `# This is a config file for Zabbix Agent (Unix)
# To get more information about Zabbix, visit http://www.zabbix.com

############ GENERAL PARAMETERS #################

### Option: PidFile
#	Name of PID file.
#
# Mandatory: no
# Default:
# PidFile=/tmp/zabbix_agentd.pid
PidFile=${v.pid_file}

### Option: LogFile
#	Name of log file.
#	If not set, syslog is used.
#
# Mandatory: no
# Default:
# LogFile=

LogFile=${v.log_file}

### Option: LogFileSize
#	Maximum size of log file in MB.
#	0 - disable automatic log rotation.
#
# Mandatory: no
# Range: 0-1024
# Default:
# LogFileSize=1
LogFileSize=0

### Option: DebugLevel
#	Specifies debug level
#	0 - no debug
#	1 - critical information
#	2 - error information
#	3 - warnings
#	4 - for debugging (produces lots of information)
#
# Mandatory: no
# Range: 0-4
# Default:
# DebugLevel=3

### Option: SourceIP
#	Source IP address for outgoing connections.
#
# Mandatory: no
# Default:
# SourceIP=
SourceIP=${v.ip}

### Option: EnableRemoteCommands
#	Whether remote commands from Zabbix server are allowed.
#	0 - not allowed
#	1 - allowed
#
# Mandatory: no
# Default:
# EnableRemoteCommands=0

### Option: LogRemoteCommands
#	Enable logging of executed shell commands as warnings.
#	0 - disabled
#	1 - enabled
#
# Mandatory: no
# Default:
# LogRemoteCommands=0

##### Passive checks related

### Option: Server
#	List of comma delimited IP addresses (or hostnames) of Zabbix servers.
#	No spaces allowed. First entry is used for receiving list of and sending active checks.
#	If IPv6 support is enabled then '127.0.0.1', '::127.0.0.1', '::ffff:127.0.0.1' are treated equally.
#
# Mandatory: yes
# Default:
# Server=
Server=${v.server}

### Option: Hostname
#	Unique, case sensitive hostname.
#	Required for active checks and must match hostname as configured on the server.
#	System hostname is used if undefined.
#
# Default:
# Hostname=system.hostname
Hostname=${v.hostname}

### Option: ListenPort
#	Agent will listen on this port for connections from the server.
#
# Mandatory: no
# Range: 1024-32767
# Default:
# ListenPort=10050
ListenPort=${v.port}

### Option: ListenIP
#	List of comma delimited IP addresses that the agent should listen on.
#
# Mandatory: no
# Default:
# ListenIP=0.0.0.0
ListenIP=${v.ip}

### Option: DisablePassive
#	Disable passive checks. The agent will not listen on any TCP port.
#	Only active checks will be processed.
#	0 - do not disable
#	1 - disable
#
# Mandatory: no
# Default:
# DisablePassive=0

##### Active checks related

### Option: DisableActive
#	Disable active checks. The agent will work in passive mode listening for server.
#
# Mandatory: no
# Default:
# DisableActive=0

### Option: ServerPort
#	Server port for retrieving list of and sending active checks.
#
# Mandatory: no
# Default:
# ServerPort=10051

### Option: RefreshActiveChecks
#	How often list of active checks is refreshed, in seconds.
#
# Mandatory: no
# Range: 60-3600
# Default:
# RefreshActiveChecks=120

### Option: BufferSend
#	Do not keep data longer than N seconds in buffer.
#
# Mandatory: no
# Range: 1-3600
# Default:
# BufferSend=5

### Option: BufferSize
#	Maximum number of values in a memory buffer. The agent will send
#	all collected data to Zabbix Server or Proxy if the buffer is full.
#
# Mandatory: no
# Range: 2-65535
# Default:
# BufferSize=100

### Option: MaxLinesPerSecond
#	Maximum number of new lines the agent will send per second to Zabbix Server
#	or Proxy processing 'log' and 'logrt' active checks.
#	The provided value will be overridden by the parameter 'maxlines',
#	provided in 'log' or 'logrt' item keys.
#
# Mandatory: no
# Range: 1-1000
# Default:
# MaxLinesPerSecond=100

### Option: AllowRoot
#	Allow the agent to run as 'root'. If disabled and the agent is started by 'root', the agent
#       will try to switch to user 'zabbix' instead. Has no effect if started under a regular user.
#	0 - do not allow
#	1 - allow
#
# Mandatory: no
# Default:
# AllowRoot=0

############ ADVANCED PARAMETERS #################

### Option: StartAgents
#	Number of pre-forked instances of zabbix_agentd that process passive checks.
#
# Mandatory: no
# Range: 1-100
# Default:
# StartAgents=3

### Option: Timeout
#	Spend no more than Timeout seconds on processing
#
# Mandatory: no
# Range: 1-30
# Default:
# Timeout=3
Timeout=15

### Option: Include
#	You may include individual files or all files in a directory in the configuration file.
#
# Mandatory: no
# Default:
# Include=

# Include=/etc/zabbix/zabbix_agentd.userparams.conf
# Include=/etc/zabbix/zabbix_agentd/

####### USER-DEFINED MONITORED PARAMETERS #######

### Option: UnsafeUserParameters
#	Allow all characters to be passed in arguments to user-defined parameters.
#	0 - do not allow
#	1 - allow
#
# Mandatory: no
# Range: 0-1
# Default:
# UnsafeUserParameters=0

### Option: UserParameter
#	User-defined parameter to monitor. There can be several user-defined parameters.
#	Format: UserParameter=<key>,<shell command>
#	Note that shell command must not return empty string or EOL only.
#	See 'zabbix_agentd' directory for examples.
#
# Mandatory: no
# Default:
# UserParameter=
UserParameter=custom_sensor.temp1,sensors | grep "temp1" | sed -e "s/.*  +//" | sed -e "s/.C.*//"
UserParameter=custom_sensor.temp2,sensors | grep "temp2" | sed -e "s/.*  +//" | sed -e "s/.C.*//"
UserParameter=custom_sensor.core0,sensors | grep "Core 0" | sed -e "s/.*  +//" | sed -e "s/.C.*//"
UserParameter=custom_sensor.core1,sensors | grep "Core 1" | sed -e "s/.*  +//" | sed -e "s/.C.*//"
UserParameter=custom_sensor.core2,sensors | grep "Core 2" | sed -e "s/.*  +//" | sed -e "s/.C.*//"
UserParameter=custom_sensor.core3,sensors | grep "Core 3" | sed -e "s/.*  +//" | sed -e "s/.C.*//"
UserParameter=custom_sensor.fan1,sensors | grep "fan1" | sed -e "s/.*  //" | sed -e "s/ .*//"
UserParameter=custom_sensor.fan2,sensors | grep "fan2" | sed -e "s/.*  //" | sed -e "s/ .*//"

${v.user_parameter_string}
`;

/** template/logrotate_entry.in */
const LOGROTATE_ENTRY = (fileList: string, olddir: string) => `${fileList} {
  daily
  dateext
  rotate 30
  compress
  notifempty
  sharedscripts
  create
  olddir ${olddir}
}
`;

/** BaseSlapRecipe._createDirectory: created (0700), its mode set when it differs. */
function createDirectory(path: string): void {
  if (!existsSync(path)) mkdirSync(path, 0o700);
  if (!statSync(path).isDirectory()) throw new RecipeError(`Path ${strRepr(path)} exists, but it is not directory`);
  if ((statSync(path).mode & 0o7777) !== 0o700) chmodSync(path, 0o700);
}

export const zabbixagent: RecipeModule = {
  names: ['slapos.cookbook:zabbixagent'],
  initEffect: 'its install asks the master for the instance parameters and publishes the connection parameters',
  schema: {
    doc: 'Sets up a Zabbix agent with its own crond and logrotate (an old Python 2 recipe).',
    options: {
      dcrond_binary: { doc: "dcron's crond" },
      logrotate_binary: { doc: 'logrotate' },
      zabbix_agentd_binary: { doc: 'zabbix_agentd' },
    },
    required: ['dcrond_binary', 'logrotate_binary', 'zabbix_agentd_binary'],
    generated: ['eggs', 'slapos_timestamp'],
  },
  init({ name, options, buildout, logger }) {
    options.set('eggs', 'slapos.cookbook');
    const work = resolve(buildout.directory);
    if (!buildout.hasSection('slap_connection') && !buildout.hasSection('slap-connection')) {
      throw new RecipeError(`[${name}] needs the partition's [slap-connection] (slapgrid adds it to instance profiles)`);
    }
    const env = consoleScriptEnvironment(buildout, ['slapos.cookbook']);
    options.set('slapos_timestamp', floatRepr(Date.now() / 1000));
    const install = () => {
      logger.warning('BaseSlapRecipe has been deprecated. Use GenericBaseRecipe or GenericSlapRecipe instead.');
      const target = slapConnection(buildout);
      if (!target) throw new RecipeError(`[${name}] [slap-connection] has no server-url`);
      const cp = masterCall(`[${name}] cannot get the partition's parameters from the master`, () => target.slap.register(target.computer, target.partition));
      const parameters = cp.attr('_parameter_dict');
      const parameter = (k: string): PyValue | undefined => (parameters instanceof PyDict ? parameters.get(k) : undefined);
      const dir = (...p: string[]) => join(work, ...p);
      for (const d of [['bin'], ['sbin'], ['srv'], ['srv', 'backup'], ['etc'], ['etc', 'run'], ['etc', 'report'], ['etc', 'promise'], ['var'], ['var', 'xml_report'], ['var', 'log'], ['var', 'run'], ['tmp']]) {
        createDirectory(dir(...d));
      }
      const paths: string[] = [];
      const script = (path: string, entry: string, args: string) => createConsoleScript(path, { python: env.python, paths: env.paths(), entry, arguments: args });

      // crond
      const timestamps = dir('srv', 'cronstamps');
      createDirectory(timestamps);
      const cronOutput = dir('var', 'log', 'cron-output');
      createDirectory(cronOutput);
      const catcher = script(dir('bin', 'catchcron'), 'slapos.recipe.zabbixagent.catdatefile.catdatefile', repr(new PyList([cronOutput])));
      paths.push(catcher);
      const cronD = dir('etc', 'cron.d');
      const crontabs = dir('etc', 'crontabs');
      createDirectory(cronD);
      createDirectory(crontabs);
      const crondArgs = [options.require('dcrond_binary').trim(), '-s', cronD, '-c', crontabs, '-t', timestamps, '-f', '-l', '5', '-M', catcher];
      paths.push(script(dir('etc', 'run', 'crond'), 'slapos.recipe.librecipe.execute.generic_exec', repr(new PyTuple(crondArgs)).slice(1, -1)));

      // logrotate
      const logrotateD = dir('etc', 'logrotate.d');
      createDirectory(logrotateD);
      const backup = dir('srv', 'backup', 'logrotate');
      createDirectory(backup);
      const logrotateConf = createFile(dir('etc', 'logrotate.conf'), `include ${logrotateD}`, 0o600);
      const logrotateCron = dir('etc', 'cron.d', 'logrotate');
      writeFileSync(logrotateCron, `0 0 * * * ${options.require('logrotate_binary')} -s ${dir('srv', 'logrotate.status')} ${logrotateConf}`);
      paths.push(logrotateD, logrotateConf, logrotateCron);

      // the agent (the original evaluates the address, then hostname and server)
      const ipList = parameter('ip_list');
      const pairs = ipList instanceof PyList || ipList instanceof PyTuple ? ipList.items : [];
      const ip = pairs.map((p) => (p instanceof PyList || p instanceof PyTuple ? p.items[1] : undefined)).find((a): a is string => typeof a === 'string' && isIPv6(a));
      if (ip === undefined) throw new RecipeError(`[${name}] the partition has no IPv6 address (its parameters' ip_list)`);
      const required = (k: string) => {
        const v = parameter(k);
        if (v === undefined) throw new RecipeError(`[${name}] the instance parameter ${strRepr(k)} is required (the original fails with KeyError: ${strRepr(k)})`);
        return String(v);
      };
      const hostname = required('hostname');
      const server = required('server');
      const userParameters = parameter('custom-user-parameter');
      const logFile = dir('var', 'log', 'zabbix_agentd.log');
      writeFileSync(join(logrotateD, 'zabbix_agentd'), LOGROTATE_ENTRY(`"${logFile}"`, backup));
      const pidFile = dir('var', 'run', 'zabbix_agentd.pid');
      const conf = createFile(
        dir('etc', 'zabbix_agentd.conf'),
        CONF({ pid_file: pidFile, log_file: logFile, ip, server, hostname, port: '10050', user_parameter_string: userParameters === undefined ? '' : String(userParameters) }),
        0o600,
      );
      paths.push(conf);
      const agent = script(dir('bin', 'zabbixagentd'), 'slapos.recipe.librecipe.execute.generic_exec', repr(new PyTuple([options.require('zabbix_agentd_binary').trim(), '-c', conf])).slice(1, -1));
      const daemonArgs = new PyDict([
        ['real_binary', agent],
        ['pid_file', pidFile],
      ]);
      paths.push(script(dir('etc', 'run', 'zabbixagentd'), 'slapos.recipe.zabbixagent.svcdaemon.svcdaemon', repr(new PyList([daemonArgs]))));

      const connection = new PyDict([
        ['ip', ip],
        ['name', hostname],
        ['port', '10050'],
      ]);
      masterCall(`[${name}] cannot publish the connection parameters`, () => target.slap.setConnection(target.computer, target.partition, connection, null));
      return paths;
    };
    return { install, update: install };
  },
};
