// A macro or call block as a callable value (Jinja2's Macro): binds
// positional and keyword arguments to the declared names, collects the
// extras into `varargs` and `kwargs` when the body uses them, and passes
// `caller` to macros invoked from a call block.

import { PyDict, PyObject, PyTuple, strRepr, typeError, type Kwargs, type PyValue } from '../../python/index.ts';
import { MISSING, type Missing, type UndefinedFactory } from './undefined.ts';

export type MacroBody = (args: (PyValue | Missing)[]) => PyValue;

export class Macro extends PyObject {
  readonly explicitCaller: boolean;

  constructor(
    private readonly undefined: UndefinedFactory,
    private readonly func: MacroBody,
    readonly name: string | null,
    readonly argNames: readonly string[],
    readonly catchKwargs: boolean,
    readonly catchVarargs: boolean,
    readonly caller: boolean,
  ) {
    super();
    this.explicitCaller = argNames.includes('caller');
  }

  get typeName(): string {
    return 'Macro';
  }
  override get typeModule(): string {
    return 'jinja2.runtime';
  }

  override pyCall(args: PyValue[], kwargsIn: Kwargs): PyValue {
    const kwargs = new Map(kwargsIn);
    const count = this.argNames.length;
    const argumentsOut: (PyValue | Missing)[] = args.slice(0, count);
    let foundCaller = false;
    if (argumentsOut.length !== count) {
      for (const name of this.argNames.slice(argumentsOut.length)) {
        let value: PyValue | Missing = MISSING;
        if (kwargs.has(name)) {
          value = kwargs.get(name)!;
          kwargs.delete(name);
        }
        if (name === 'caller') foundCaller = true;
        argumentsOut.push(value);
      }
    } else foundCaller = this.explicitCaller;
    if (this.caller && !foundCaller) {
      let caller = kwargs.get('caller');
      kwargs.delete('caller');
      if (caller === undefined || caller === null) caller = this.undefined('No caller defined', MISSING, 'caller');
      argumentsOut.push(caller);
    }
    if (this.catchKwargs) argumentsOut.push(new PyDict(kwargs));
    else if (kwargs.size) {
      if (kwargs.has('caller')) {
        throw typeError(
          `macro ${strRepr(String(this.name))} was invoked with two values for the special caller argument. This is most likely a bug.`,
        );
      }
      throw typeError(`macro ${strRepr(String(this.name))} takes no keyword argument ${strRepr([...kwargs.keys()][0]!)}`);
    }
    if (this.catchVarargs) argumentsOut.push(new PyTuple(args.slice(count)));
    else if (args.length > count) {
      throw typeError(`macro ${strRepr(String(this.name))} takes not more than ${count} argument(s)`);
    }
    return this.func(argumentsOut);
  }

  override pyGetAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'name':
        return this.name;
      case 'arguments':
        return new PyTuple(this.argNames);
      case 'catch_kwargs':
        return this.catchKwargs;
      case 'catch_varargs':
        return this.catchVarargs;
      case 'caller':
        return this.caller;
    }
    return undefined;
  }

  override pyRepr(): string {
    return `<Macro ${this.name === null ? 'anonymous' : strRepr(this.name)}>`;
  }
}
