// slapos.cookbook:generic.mysql.wrap_update_mysql (slapos/recipe/
// generic_mysql): `output`, a script that upgrades a MariaDB database and
// applies the instance's initialisation script, retrying until both work:
// `binary` (mysql_upgrade), then `mysql -B` fed `init-script`, then the time
// zones (`mysql_tzinfo_to_sql` beside `mysql`) loaded into the `mysql`
// database; after a failure it sleeps 1, 2 … 30 s and starts again. The
// recipe writes a Python script calling slapos.cookbook's updateMysql with
// pytz's zoneinfo; a tsbuildout node has neither, so this is the same loop
// in sh, with the system's zoneinfo (README, Recipes). Returns the script.
import { type RecipeModule } from '../api.ts';
import { createExecutable } from '../lib/files.ts';
import { shellQuote } from '../lib/shlex.ts';

export const wrapUpdateMysql: RecipeModule = {
  names: ['slapos.cookbook:generic.mysql.wrap_update_mysql'],
  pureInit: true,
  schema: {
    doc: 'Writes the script that upgrades a MariaDB database and applies its initialisation script, retrying until it works.',
    options: {
      output: { doc: 'the script written' },
      binary: { doc: 'mysql_upgrade' },
      mysql: { doc: 'the mysql client (mysql_tzinfo_to_sql is beside it)' },
      'init-script': { doc: 'the SQL applied after the upgrade' },
    },
    required: ['output', 'binary', 'mysql', 'init-script'],
    generated: [],
  },
  init({ options }) {
    const install = () => {
      const q = (k: string) => shellQuote(options.require(k));
      const mysql = options.require('mysql');
      const tzinfo = shellQuote(mysql.replace(/[^/]*$/, '') + 'mysql_tzinfo_to_sql');
      const script = `#!/bin/sh
# the database upgraded and the initialisation script applied, retried until both work
sleep=0
while :; do
  if result=$(${q('binary')} 2>&1); then
    printf 'MySQL database upgraded with result:\\n%s\\n' "$result"
    if ! result=$(${q('mysql')} -B < ${q('init-script')} 2>&1); then
      printf 'Command %s failed with:\\n%s\\n' ${shellQuote(`('${mysql}', '-B')`)} "$result"
    elif ! timezones=$(${tzinfo} /usr/share/zoneinfo 2>/dev/null); then
      printf 'Command %s failed\\n' ${tzinfo}
    elif ! result=$(printf '%s\\n' "$timezones" | ${q('mysql')} -B mysql 2>&1); then
      printf 'Command %s failed with:\\n%s\\n' ${shellQuote(`('${mysql}', '-B', 'mysql')`)} "$result"
    else
      echo 'SlapOS initialisation script succesfully applied on database.'
      exit 0
    fi
  else
    printf 'Command %s failed with result:\\n%s\\n' ${q('binary')} "$result"
  fi
  sleep=$((sleep < 30 ? sleep + 1 : 30))
  echo "Sleeping for \${sleep}s and retrying"
  sleep "$sleep"
done
`;
      return [createExecutable(options.require('output'), script, 0o755)];
    };
    return { install, update: install };
  },
};
