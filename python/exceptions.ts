// Python exceptions as one typed JavaScript error. `pyType` is the Python
// class name and `message` is what Python's str(exception) gives, so
// `${pyType}: ${message}` reads like the last line of a CPython traceback.

/** The built-in exception classes we raise, child → parent. */
const PARENT: Record<string, string> = {
  Exception: 'BaseException',
  ArithmeticError: 'Exception',
  ZeroDivisionError: 'ArithmeticError',
  OverflowError: 'ArithmeticError',
  LookupError: 'Exception',
  KeyError: 'LookupError',
  IndexError: 'LookupError',
  TypeError: 'Exception',
  ValueError: 'Exception',
  UnicodeError: 'ValueError',
  UnicodeDecodeError: 'UnicodeError',
  UnicodeEncodeError: 'UnicodeError',
  AttributeError: 'Exception',
  NameError: 'Exception',
  UnboundLocalError: 'NameError',
  RuntimeError: 'Exception',
  RecursionError: 'RuntimeError',
  NotImplementedError: 'RuntimeError',
  StopIteration: 'Exception',
  AssertionError: 'Exception',
  SyntaxError: 'Exception',
  OSError: 'Exception',
  FileNotFoundError: 'OSError',
  JSONDecodeError: 'ValueError',
};

export class PyException extends Error {
  /** Extra data some handlers need (e.g. the value carried by StopIteration). */
  payload: unknown;

  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
    this.name = pyType;
  }

  /** isinstance(exception, className), following the built-in hierarchy. */
  isInstance(className: string): boolean {
    let t: string | undefined = this.pyType;
    while (t !== undefined) {
      if (t === className) return true;
      t = PARENT[t];
    }
    return className === 'BaseException';
  }

  /** The last line of a traceback: `KeyError: 'x'`. */
  override toString(): string {
    return this.message === '' ? this.pyType : `${this.pyType}: ${this.message}`;
  }
}

/** Registers a subclass (e.g. a Jinja2 error) in the hierarchy. */
export function registerExceptionClass(name: string, parent: string): void {
  PARENT[name] = parent;
}

export function isPyException(e: unknown, className?: string): e is PyException {
  return e instanceof PyException && (className === undefined || e.isInstance(className));
}

export const typeError = (msg: string) => new PyException('TypeError', msg);
export const valueError = (msg: string) => new PyException('ValueError', msg);
export const indexError = (msg: string) => new PyException('IndexError', msg);
export const attributeError = (msg: string) => new PyException('AttributeError', msg);
export const zeroDivision = (msg: string) => new PyException('ZeroDivisionError', msg);
export const overflowError = (msg: string) => new PyException('OverflowError', msg);

/**
 * A syntax error in Python source text (a literal, an expression). `offset`
 * is 1-based like Python's SyntaxError.offset; `column` is the 0-based index.
 */
export class PySyntaxError extends PyException {
  constructor(
    message: string,
    readonly text: string,
    readonly column: number,
    readonly line = 1,
  ) {
    super('SyntaxError', message);
  }

  get offset(): number {
    return this.column + 1;
  }
}

/**
 * JavaScript's stack overflow as Python's RecursionError (deep recursion in
 * a lambda or a template macro); other errors are returned unchanged.
 */
export function asRecursionError(e: unknown): unknown {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new PyException('RecursionError', 'maximum recursion depth exceeded');
  }
  return e;
}
