// What a Flask application (the real `slapos proxy` is one, on Werkzeug)
// answers besides its views: the error pages of werkzeug.exceptions (abort
// with or without a description), the page of werkzeug.utils.redirect, the
// JSON of Flask's default provider, and URL quoting as url_for does it — so
// that tsbuildout's master answers with the proxy's bodies.
import { jsonDumps, type PyValue } from '../../python/index.ts';
import { MasterError } from '../../slap/api.ts';

const NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
};

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'The browser (or proxy) sent a request that this server could not understand.',
  401: "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required.",
  403: "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.",
  404: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  405: 'The method is not allowed for the requested URL.',
  408: "The server closed the network connection because the browser didn't finish the request within the specified time.",
  413: 'The data value transmitted exceeds the capacity limit.',
  500: 'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
};

/**
 * A failure answered as Flask answers it: `abort(status, description)`, or
 * the default page of the status when there is no description (a missing
 * form field is a 400, an exception in a view a 500). The message is the
 * one `localApi` gives, and what the server logs.
 */
export class HttpFailure extends MasterError {
  constructor(
    message: string,
    status: number,
    readonly description?: string,
  ) {
    super(message, status);
  }
}

/** markupsafe.escape */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** werkzeug.exceptions.HTTPException.get_body */
export function errorPage(status: number, description?: string): string {
  const name = NAMES[status] ?? 'Unknown Error';
  const text = escapeHtml(description ?? DEFAULT_DESCRIPTIONS[status] ?? '').replace(/\n/g, '<br>');
  return `<!doctype html>\n<html lang=en>\n<title>${status} ${escapeHtml(name)}</title>\n<h1>${escapeHtml(name)}</h1>\n<p>${text}</p>\n`;
}

/** werkzeug.utils.redirect: the page, and the Location header (iri_to_uri with safe_conversion). */
export function redirectPage(location: string): { body: string; location: string } {
  const uri = /^[\x00-\x7f]*$/.test(location) && location.trim().split(/\s+/).length === 1 ? location : encodeURI(location);
  return {
    body: `<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href="${escapeHtml(uri)}">${escapeHtml(location)}</a>. If not, click the link.\n`,
    location: uri,
  };
}

/** Flask's JSON response body: sorted keys, compact, ASCII only, a newline. */
export function flaskJson(value: PyValue): string {
  return jsonDumps(value, { sortKeys: true, separators: [',', ':'], ensureAscii: true }) + '\n';
}

const URL_SAFE = /[A-Za-z0-9\-._~/:]/;

/** How url_for quotes a path argument (werkzeug's _fast_url_quote: safe "/:"). */
export function urlQuote(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 128 && URL_SAFE.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
