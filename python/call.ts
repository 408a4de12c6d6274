// Calling values: functions, bound methods, types and callable objects.

import { typeError } from './exceptions.ts';
import { NO_KWARGS, PyObject, typeName, type Kwargs, type PyValue } from './value.ts';

/** f(*args, **kwargs) */
export function callValue(f: PyValue, args: PyValue[], kwargs: Kwargs = NO_KWARGS): PyValue {
  if (f instanceof PyObject && f.pyCall) return f.pyCall(args, kwargs);
  throw typeError(`'${typeName(f)}' object is not callable`);
}

/** callable(v) */
export function isCallable(v: PyValue): boolean {
  return v instanceof PyObject && typeof v.pyCall === 'function';
}
