// Jinja2's exceptions, as Python exceptions of the value model so that
// `pyType` and `message` read like Jinja2's class and str(exception).

import { PyException, registerExceptionClass } from '../python/index.ts';

registerExceptionClass('TemplateError', 'Exception');
registerExceptionClass('TemplateNotFound', 'TemplateError');
registerExceptionClass('TemplatesNotFound', 'TemplateNotFound');
registerExceptionClass('TemplateSyntaxError', 'TemplateError');
registerExceptionClass('TemplateAssertionError', 'TemplateSyntaxError');
registerExceptionClass('TemplateRuntimeError', 'TemplateError');
registerExceptionClass('UndefinedError', 'TemplateRuntimeError');
registerExceptionClass('SecurityError', 'TemplateRuntimeError');
registerExceptionClass('FilterArgumentError', 'TemplateRuntimeError');

/** A syntax error: the message, the line (1-based), the template name. */
export class TemplateSyntaxError extends PyException {
  constructor(
    message: string,
    readonly lineno: number,
    readonly templateName: string | null = null,
    readonly filename: string | null = null,
    pyType = 'TemplateSyntaxError',
    /** 1-based column where the problem was found, when known (Jinja2 has none). */
    readonly column: number | null = null,
  ) {
    super(pyType, message);
  }

  /** Python's str() of an untranslated error: message, then the location. */
  get located(): string {
    const name = this.filename ?? this.templateName;
    const location = name ? `File "${name}", line ${this.lineno}` : `line ${this.lineno}`;
    return `${this.message}\n  ${location}`;
  }
}

/** A compile-time error that is not a syntax error (unknown filter, ...). */
export class TemplateAssertionError extends TemplateSyntaxError {
  constructor(message: string, lineno: number, templateName: string | null = null, filename: string | null = null) {
    super(message, lineno, templateName, filename, 'TemplateAssertionError');
  }
}

export const templateRuntimeError = (message: string) => new PyException('TemplateRuntimeError', message);
export const undefinedError = (message: string) => new PyException('UndefinedError', message);
export const filterArgumentError = (message: string) => new PyException('FilterArgumentError', message);

/** TemplateNotFound: str() is the name (or the message given). */
export class TemplateNotFound extends PyException {
  constructor(
    readonly templateName: string,
    message?: string,
    readonly templates: string[] = [templateName],
    pyType = 'TemplateNotFound',
  ) {
    super(pyType, message ?? templateName);
  }
}
