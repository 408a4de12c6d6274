// JSON Schema validation as slapconfiguration.jsonschema uses it (Python's
// jsonschema through slapos.core's DefaultValidator), on Python values:
// the keywords instance schemas use (type, enum, const, properties,
// required, additionalProperties, patternProperties, items, min/maxItems,
// uniqueItems, minimum, maximum, exclusive bounds, multipleOf, min/maxLength,
// pattern, allOf/anyOf/oneOf/not, if/then/else, $ref to the schema itself
// or to other files, `definitions`/`$defs`), with jsonschema's messages and
// JSON paths ("$.key[0]"). Options: apply the `default`s of the schemas on
// the valid path, and "unstringify" strings where an integer is expected.
// `format` is not checked (jsonschema does not check it by default either).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { jsonLoads, PyDict, pyEq, PyList, repr, type PyValue } from '../../python/index.ts';

export interface SchemaError {
  path: (string | number)[];
  message: string;
}

export function jsonPath(path: (string | number)[]): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/** The message slapos.core's SoftwareReleaseSchemaValidationError.format_error(indent=2) gives. */
export function formatErrors(errors: SchemaError[], indent = 2): string {
  const pad = ' '.repeat(indent);
  return pad + errors.map((e) => `${jsonPath(e.path)}: ${e.message}`).join('\n' + pad);
}

interface Loaded {
  schema: PyValue;
  file: string;
}

export class SchemaStore {
  private files = new Map<string, PyValue>();

  load(file: string): PyValue {
    const abs = resolve(file.startsWith('file://') ? file.slice(7) : file);
    let s = this.files.get(abs);
    if (s === undefined) {
      s = jsonLoads(readFileSync(abs, 'utf8'));
      this.files.set(abs, s);
    }
    return s;
  }

  /** Resolve `$ref` (relative file and/or JSON pointer) from the file it appears in. */
  ref(ref: string, from: Loaded): Loaded {
    const [path, pointer] = ref.split('#', 2) as [string, string | undefined];
    const file = path ? resolve(dirname(from.file), path.startsWith('file://') ? path.slice(7) : path) : from.file;
    let node: PyValue = path ? this.load(file) : this.load(from.file);
    for (const raw of (pointer ?? '').split('/').filter(Boolean)) {
      const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      if (node instanceof PyDict) node = node.get(key) ?? null;
      else if (node instanceof PyList) node = node.items[Number(key)] ?? null;
      else node = null;
      if (node === null) throw new Error(`unresolvable JSON reference ${ref} in ${from.file}`);
    }
    return { schema: node, file };
  }
}

const isObject = (v: PyValue): v is PyDict => v instanceof PyDict;
const isNumber = (v: PyValue) => typeof v === 'bigint' || typeof v === 'number';
const asNumber = (v: PyValue) => (typeof v === 'bigint' ? Number(v) : (v as number));
const INT_TEXT = /^\s*[-+]?\d+(_\d+)*\s*$/;

export interface ValidateOptions {
  unstringify?: boolean;
  setDefaults?: boolean;
}

export class Validator {
  private conversions: [PyDict | PyList, string | number, bigint][] = [];
  private defaults: [PyDict, string, PyValue][] = [];

  constructor(
    private readonly store: SchemaStore,
    private readonly options: ValidateOptions = {},
  ) {}

  /** Validate (then unstringify and apply defaults when valid); returns the errors. */
  validate(schemaFile: string, instance: PyValue): SchemaError[] {
    const root: Loaded = { schema: this.store.load(schemaFile), file: resolve(schemaFile) };
    this.conversions = [];
    this.defaults = [];
    const errors = this.check(root, instance, [], true);
    if (errors.length) return errors;
    for (const [container, key, value] of this.conversions) {
      if (container instanceof PyDict) container.set(key, value);
      else container.items[key as number] = value;
    }
    for (const [d, key, value] of this.defaults) if (!d.has(key)) d.set(key, value);
    if (this.conversions.length || this.defaults.length) {
      this.conversions = [];
      this.defaults = [];
      return this.check(root, instance, [], false);
    }
    return [];
  }

  private isType(v: PyValue, t: string, at?: [PyDict | PyList, string | number]): boolean {
    switch (t) {
      case 'string':
        return typeof v === 'string';
      case 'integer':
        if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return true;
        if (this.options.unstringify && typeof v === 'string' && INT_TEXT.test(v)) {
          if (at) this.conversions.push([at[0], at[1], BigInt(v.trim().replaceAll('_', ''))]);
          return true;
        }
        return false;
      case 'number':
        return isNumber(v);
      case 'boolean':
        return typeof v === 'boolean';
      case 'null':
        return v === null;
      case 'object':
        return v instanceof PyDict;
      case 'array':
        return v instanceof PyList;
      default:
        return true;
    }
  }

  /** Errors of `instance` against `node`; `collect`: record conversions and defaults. */
  private check(node: Loaded, instance: PyValue, path: (string | number)[], collect: boolean, at?: [PyDict | PyList, string | number]): SchemaError[] {
    const s = node.schema;
    if (s === true || s === null) return [];
    if (s === false) return [{ path, message: `False schema does not allow ${repr(instance)}` }];
    if (!isObject(s)) return [];
    // errors come out in the order of the schema's keywords, as jsonschema iterates them
    const tagged: [string, SchemaError[]][] = [];
    const err = (keyword: string, message: string) => tagged.push([keyword, [{ path, message }]]);
    const add = (keyword: string, list: SchemaError[]) => {
      if (list.length) tagged.push([keyword, list]);
    };
    const sub = (schema: PyValue): Loaded => ({ schema, file: node.file });
    const marks = () => [this.conversions.length, this.defaults.length] as const;
    const rollback = (m: readonly [number, number]) => {
      this.conversions.length = m[0];
      this.defaults.length = m[1];
    };

    const ref = s.get('$ref');
    if (typeof ref === 'string') {
      add('$ref', this.check(this.store.ref(ref, node), instance, path, collect, at));
      // draft 7: $ref alone; later drafts: siblings apply too (checked below either way)
    }
    const type = s.get('type');
    if (type !== undefined) {
      const types = type instanceof PyList ? type.items.map(String) : [String(type)];
      if (!types.some((t) => this.isType(instance, t, at))) {
        err('type', `${repr(instance)} is not of type ${types.map((t) => repr(t)).join(', ')}`);
        return ordered(s, tagged);
      }
    }
    const en = s.get('enum');
    if (en instanceof PyList && !en.items.some((e) => jsonEqual(e, instance))) err('enum', `${repr(instance)} is not one of ${repr(en)}`);
    if (s.has('const') && !jsonEqual(s.get('const')!, instance)) err('const', `${repr(s.get('const')!)} was expected`);

    if (isNumber(instance) && typeof instance !== 'boolean') {
      const n = asNumber(instance);
      const min = s.get('minimum');
      if (min !== undefined && isNumber(min) && n < asNumber(min)) err('minimum', `${repr(instance)} is less than the minimum of ${repr(min)}`);
      const max = s.get('maximum');
      if (max !== undefined && isNumber(max) && n > asNumber(max)) err('maximum', `${repr(instance)} is greater than the maximum of ${repr(max)}`);
      const emin = s.get('exclusiveMinimum');
      if (emin !== undefined && isNumber(emin) && n <= asNumber(emin)) err('exclusiveMinimum', `${repr(instance)} is less than or equal to the minimum of ${repr(emin)}`);
      const emax = s.get('exclusiveMaximum');
      if (emax !== undefined && isNumber(emax) && n >= asNumber(emax)) err('exclusiveMaximum', `${repr(instance)} is greater than or equal to the maximum of ${repr(emax)}`);
      const mult = s.get('multipleOf');
      if (mult !== undefined && isNumber(mult) && n % asNumber(mult) !== 0) err('multipleOf', `${repr(instance)} is not a multiple of ${repr(mult)}`);
    }
    if (typeof instance === 'string') {
      const len = [...instance].length;
      const minL = s.get('minLength');
      if (minL !== undefined && isNumber(minL) && len < asNumber(minL)) err('minLength', `${repr(instance)} is too short`);
      const maxL = s.get('maxLength');
      if (maxL !== undefined && isNumber(maxL) && len > asNumber(maxL)) err('maxLength', `${repr(instance)} is too long`);
      const pattern = s.get('pattern');
      if (typeof pattern === 'string' && !new RegExp(pattern, 'u').test(instance)) err('pattern', `${repr(instance)} does not match ${repr(pattern)}`);
    }
    if (instance instanceof PyList) {
      const minI = s.get('minItems');
      if (minI !== undefined && isNumber(minI) && instance.items.length < asNumber(minI)) err('minItems', `${repr(instance)} is too short`);
      const maxI = s.get('maxItems');
      if (maxI !== undefined && isNumber(maxI) && instance.items.length > asNumber(maxI)) err('maxItems', `${repr(instance)} is too long`);
      if (s.get('uniqueItems') === true) {
        const seen: PyValue[] = [];
        if (instance.items.some((v) => (seen.some((x) => jsonEqual(x, v)) ? true : (seen.push(v), false)))) err('uniqueItems', `${repr(instance)} has non-unique elements`);
      }
      const items = s.get('items');
      if (items instanceof PyList) {
        items.items.forEach((schema, i) => {
          if (i < instance.items.length) add('items', this.check(sub(schema), instance.items[i]!, [...path, i], collect, [instance, i]));
        });
      } else if (items !== undefined) {
        instance.items.forEach((v, i) => add('items', this.check(sub(items), v, [...path, i], collect, [instance, i])));
      }
    }
    if (instance instanceof PyDict) {
      const props = s.get('properties');
      const required = s.get('required');
      if (required instanceof PyList) for (const r of required.items) if (!instance.has(r)) err('required', `${repr(r)} is a required property`);
      const patterns = s.get('patternProperties');
      const additional = s.get('additionalProperties');
      const extras: PyValue[] = [];
      for (const [k, v] of instance.entries()) {
        const key = String(k);
        let matched = false;
        if (isObject(props!) && props.has(key)) {
          matched = true;
          add('properties', this.check(sub(props.get(key)!), v, [...path, key], collect, [instance, key]));
        }
        if (isObject(patterns!)) {
          for (const [p, schema] of patterns.entries()) {
            if (new RegExp(String(p), 'u').test(key)) {
              matched = true;
              add('patternProperties', this.check(sub(schema), v, [...path, key], collect, [instance, key]));
            }
          }
        }
        if (!matched && additional !== undefined) {
          if (additional === false) extras.push(k);
          else if (isObject(additional)) add('additionalProperties', this.check(sub(additional), v, [...path, key], collect, [instance, key]));
        }
      }
      if (extras.length) err('additionalProperties', `Additional properties are not allowed (${extras.map((e) => repr(e)).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`);
      if (collect && this.options.setDefaults && isObject(props!)) {
        for (const [k, schema] of props.entries()) {
          const d = isObject(schema) ? defaultOf(schema, (r) => this.store.ref(r, node).schema) : undefined;
          if (d === undefined || instance.has(k)) continue;
          const value = deepCopy(d);
          this.defaults.push([instance, String(k), value]);
          // the default's own defaults too (slapconfiguration's collect_defaults descends into it: {"default": {}} gets its properties' defaults)
          add('properties', this.check(sub(schema), value, [...path, String(k)], true, [instance, String(k)]));
        }
      }
    }
    const allOf = s.get('allOf');
    if (allOf instanceof PyList) for (const schema of allOf.items) add('allOf', this.check(sub(schema), instance, path, collect, at));
    const anyOf = s.get('anyOf');
    if (anyOf instanceof PyList) {
      let ok = false;
      for (const schema of anyOf.items) {
        const m = marks();
        if (!this.check(sub(schema), instance, path, collect, at).length) {
          ok = true;
          break;
        }
        rollback(m);
      }
      if (!ok) err('anyOf', `${repr(instance)} is not valid under any of the given schemas`);
    }
    const oneOf = s.get('oneOf');
    if (oneOf instanceof PyList) {
      const valid: PyValue[] = [];
      for (const schema of oneOf.items) {
        const m = marks();
        if (!this.check(sub(schema), instance, path, collect, at).length) valid.push(schema);
        else rollback(m);
      }
      if (!valid.length) err('oneOf', `${repr(instance)} is not valid under any of the given schemas`);
      else if (valid.length > 1) err('oneOf', `${repr(instance)} is valid under each of ${valid.map((v) => repr(v)).join(', ')}`);
    }
    const not = s.get('not');
    if (not !== undefined) {
      const m = marks();
      if (!this.check(sub(not), instance, path, false, at).length) err('not', `${repr(instance)} should not be valid under ${repr(not)}`);
      rollback(m);
    }
    const cond = s.get('if');
    if (cond !== undefined) {
      const m = marks();
      const holds = !this.check(sub(cond), instance, path, collect, at).length;
      if (!holds) rollback(m);
      const branch = s.get(holds ? 'then' : 'else');
      if (branch !== undefined) add('if', this.check(sub(branch), instance, path, collect, at));
    }
    return ordered(s, tagged);
  }
}

function ordered(schema: PyDict, tagged: [string, SchemaError[]][]): SchemaError[] {
  const keys = [...schema.keys()].map(String);
  const rank = (k: string) => {
    const i = keys.indexOf(k);
    return i < 0 ? keys.length : i;
  };
  return tagged
    .map((t, i) => [t, i] as const)
    .sort((a, b) => rank(a[0][0]) - rank(b[0][0]) || a[1] - b[1])
    .flatMap(([t]) => t[1]);
}

function defaultOf(schema: PyDict, deref: (ref: string) => PyValue): PyValue | undefined {
  for (let s: PyValue = schema, depth = 0; s instanceof PyDict && depth < 20; depth++) {
    if (s.has('default')) return s.get('default');
    const ref = s.get('$ref');
    if (typeof ref !== 'string') return undefined;
    s = deref(ref);
  }
  return undefined;
}

function jsonEqual(a: PyValue, b: PyValue): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return pyEq(a, b);
}

function deepCopy(v: PyValue): PyValue {
  if (v instanceof PyDict) return new PyDict([...v.entries()].map(([k, x]) => [k, deepCopy(x)] as const));
  if (v instanceof PyList) return new PyList(v.items.map(deepCopy));
  return v;
}
