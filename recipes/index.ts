// Every recipe tsbuildout implements.
import type { RecipeModule } from './api.ts';
import { download, downloadUnpacked } from './build/download.ts';
import { buildScript } from './build/script.ts';
import { cronD } from './cookbook/cron.ts';
import { freePort } from './cookbook/free-port.ts';
import { checkPortListening, checkUrlAvailable } from './cookbook/legacy-promises.ts';
import { password } from './cookbook/password.ts';
import { promisePlugin } from './cookbook/promise-plugin.ts';
import { publish, publishSerialised } from './cookbook/publish.ts';
import { symbolicLink } from './cookbook/symlink.ts';
import { userinfo } from './cookbook/userinfo.ts';
import { checkParameter } from './cookbook/check-parameter.ts';
import { dropbearAddAuthorizedKey } from './cookbook/dropbear.ts';
import { publishurl } from './cookbook/publishurl.ts';
import { generateMac, randomInteger, randomTime } from './cookbook/random.ts';
import { readline } from './cookbook/readline.ts';
import { genericKumofs } from './cookbook/kumofs.ts';
import { tidstorage } from './cookbook/tidstorage.ts';
import { copyfilelist } from './cookbook/copyfilelist.ts';
import { genericCloudooo } from './cookbook/cloudooo.ts';
import { cloudoooTest } from './cookbook/cloudooo-test.ts';
import { postgres } from './cookbook/postgres.ts';
import { wrapUpdateMysql } from './cookbook/mysql.ts';
import { redisServer } from './cookbook/redis.ts';
import { equeue } from './cookbook/equeue.ts';
import { logrotate, logrotateD } from './cookbook/logrotate.ts';
import { simplehttpserver } from './cookbook/simplehttpserver.ts';
import { urlparseRecipe } from './cookbook/urlparse.ts';
import { zeroKnowledgeRead, zeroKnowledgeWrite } from './cookbook/zero-knowledge.ts';
import { shellOutput } from './shelloutput.ts';
import { wrapper } from './cookbook/wrapper.ts';
import { re6stnetRegistry } from './cookbook/re6stnet.ts';
import { zabbixagent } from './cookbook/zabbixagent.ts';
import { neoppodAdmin, neoppodCluster, neoppodMaster, neoppodStorage } from './cookbook/neoppod.ts';
import { mkdirectory } from './mkdirectory.ts';
import { cnsSymlink } from './cns-symlink.ts';
import { ploneCommand } from './plone-command.ts';
import { zcBuildoutDebug } from './zc-buildout-debug.ts';
import { templateJinja2 } from './jinja2/index.ts';
import { RecipeRegistry } from './registry.ts';
import { certificateAuthority, certificateAuthorityRequest } from './slap/certificate-authority.ts';
import { cron, simplelogger } from './slap/logging.ts';
import { publishEarly } from './slap/publish-early.ts';
import { request, requestOptional, requestOptionalSerialised, requestSerialised } from './slap/request.ts';
import { slapconfiguration, slapconfigurationJsonschema, slapconfigurationSerialised, switchSoftwaretypeNoop } from './slap/slapconfiguration.ts';
import { switchSoftwaretype } from './slap/switch-softwaretype.ts';
import { cmmi } from './cmmi.ts';
import { eggCustom, eggDevelop, eggEggs, eggScripts } from './egg.ts';
import { gitclone } from './gitclone.ts';
import { hexagonitDownload } from './hexagonit-download.ts';
import { collectiveTemplate, slaposTemplate } from './template.ts';

export const RECIPES: readonly RecipeModule[] = [
  // slapos.cookbook
  mkdirectory,
  wrapper,
  password,
  symbolicLink,
  freePort,
  cronD,
  userinfo,
  checkPortListening,
  checkUrlAvailable,
  promisePlugin,
  publish,
  publishSerialised,
  checkParameter,
  dropbearAddAuthorizedKey,
  randomInteger,
  randomTime,
  generateMac,
  readline,
  genericKumofs,
  neoppodCluster,
  neoppodMaster,
  neoppodAdmin,
  neoppodStorage,
  re6stnetRegistry,
  zabbixagent,
  tidstorage,
  copyfilelist,
  equeue,
  logrotate,
  logrotateD,
  simplehttpserver,
  urlparseRecipe,
  zeroKnowledgeWrite,
  zeroKnowledgeRead,
  genericCloudooo,
  cloudoooTest,
  postgres,
  wrapUpdateMysql,
  redisServer,
  // slapos.cookbook, talking to the master
  slapconfiguration,
  slapconfigurationSerialised,
  slapconfigurationJsonschema,
  switchSoftwaretypeNoop,
  publishEarly,
  request,
  requestOptional,
  requestSerialised,
  requestOptionalSerialised,
  switchSoftwaretype,
  publishurl,
  certificateAuthority,
  certificateAuthorityRequest,
  simplelogger,
  cron,
  // templates
  slaposTemplate,
  templateJinja2,
  collectiveTemplate,
  // other eggs
  cnsSymlink,
  shellOutput,
  // commands and downloads
  ploneCommand,
  zcBuildoutDebug,
  download,
  downloadUnpacked,
  // software side
  cmmi,
  eggScripts,
  eggEggs,
  eggCustom,
  eggDevelop,
  buildScript,
  hexagonitDownload,
  gitclone,
];

let registry: RecipeRegistry | undefined;

export function defaultRegistry(): RecipeRegistry {
  registry ??= new RecipeRegistry(RECIPES);
  return registry;
}
