// Host implementations of the Python modules SlapOS templates import
// (`import json_module json` in a jinja2 recipe's context, `six` in its
// globals): json, six, urllib.parse, itertools, functools, operator,
// hashlib, base64, os and os.path, pwd, re.

import { jsonModule } from '../json.ts';
import { PyModule } from '../value.ts';
import { functoolsModule, operatorModule } from './functools.ts';
import { base64Module, hashlibModule } from './hashlib.ts';
import { itertoolsModule } from './itertools.ts';
import { osModule, osPathModule, pwdModule } from './os.ts';
import { reModule } from './re.ts';
import { sixModule } from './six.ts';
import { urllibParseModule } from './urllib-parse.ts';

const urllibModule = new PyModule('urllib', { parse: urllibParseModule });

const MODULES = new Map<string, PyModule>([
  ['json', jsonModule],
  ['six', sixModule],
  ['six.moves', sixModule.pyGetAttr('moves') as PyModule],
  ['six.moves.urllib', (sixModule.pyGetAttr('moves') as PyModule).pyGetAttr('urllib') as PyModule],
  ['six.moves.urllib.parse', urllibParseModule],
  ['urllib', urllibModule],
  ['urllib.parse', urllibParseModule],
  ['itertools', itertoolsModule],
  ['functools', functoolsModule],
  ['operator', operatorModule],
  ['hashlib', hashlibModule],
  ['base64', base64Module],
  ['os', osModule],
  ['os.path', osPathModule],
  ['posixpath', osPathModule],
  ['pwd', pwdModule],
  ['re', reModule],
]);

/**
 * `__import__(name, fromlist=['*'])`: the module itself for a dotted name,
 * or undefined when there is no host implementation.
 */
export function importModule(name: string): PyModule | undefined {
  return MODULES.get(name);
}

/** The names importModule knows. */
export function knownModules(): string[] {
  return [...MODULES.keys()];
}
