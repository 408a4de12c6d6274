// slapos.cookbook:simplehttpserver (slapos/recipe/simplehttpserver): a
// service serving the files of `base-path` over HTTP (HTTPS with
// `cert-file`, `key-file`), on `host` and `port`, a Unix socket
// (`socketpath`) or an abstract one (`abstract`) — exactly one of them;
// init sets `address` as the original does (a (host, port) tuple, or the
// path). Requests are logged to `log-file`; POST writes `content` to the
// file `path` under base-path (`clear=1` replaces it, else appends) when
// `allow-write` is true, else is refused (403). The original's wrapper is a
// Python script calling slapos.recipe.simplehttpserver; tsbuildout writes a
// standalone Python script doing the same (run by the Python buildout runs
// with). Returns the wrapper; update = install.
import { PyTuple, strRepr, type PyValue } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { createExecutable, isTrue } from '../lib/files.ts';

function pyLiteral(v: PyValue | string | number | boolean | null): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof PyTuple) return `(${v.items.map((x) => pyLiteral(x as string | number)).join(', ')},)`;
  return strRepr(String(v));
}

const SERVER = `
import errno, logging, os, socket, ssl, sys
from http.server import SimpleHTTPRequestHandler
from socketserver import TCPServer
from urllib.parse import parse_qs


def issubpathof(subpath, path):
  return not os.path.relpath(os.path.abspath(subpath), start=os.path.abspath(path)).startswith(os.pardir)


class ServerHandler(SimpleHTTPRequestHandler):

  def log_message(self, msg, *args):
    logging.info('%s - - ' + msg, self.address_string(), *args)

  def log_error(self, msg, *args):
    logging.error('%s - - ' + msg, self.address_string(), *args)

  def address_string(self):
    try:
      return SimpleHTTPRequestHandler.address_string(self)
    except (ValueError, IndexError, TypeError):
      return str(self.client_address) or '<unnamedsocket>'

  def respond(self, code=200, type='text/html'):
    self.send_response(code)
    self.send_header('Content-type', type)
    self.end_headers()

  def do_POST(self):
    if self.restrict_write:
      self.respond(403)
      self.wfile.write(b'Forbidden')
      return
    length = int(self.headers.get('Content-Length') or 0)
    body = self.rfile.read(length)
    ctype = self.headers.get('Content-Type') or ''
    if ctype.startswith('multipart/form-data'):
      import email.parser, email.policy
      message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b'Content-Type: ' + ctype.encode('latin-1') + b'\\r\\n\\r\\n' + body)
      form = {}
      for part in message.iter_parts():
        form[part.get_param('name', header='content-disposition')] = part.get_payload(decode=True)
      path = form['path'].decode('utf-8')
      content = form['content']
      clear = form.get('clear', b'1') == b'1'
    else:
      form = parse_qs(body.decode('utf-8'), keep_blank_values=True)
      path = form['path'][0]
      content = form['content'][0].encode('utf-8')
      clear = form.get('clear', ['1'])[0] == '1'
    self.write_file(path, content, 'wb' if clear else 'ab')

  def write_file(self, filename, content, mode):
    file_path = os.path.abspath(os.path.join(self.base_path, filename))
    if not issubpathof(file_path, self.base_path):
      self.respond(403, 'text/plain')
      self.wfile.write(b'Forbidden')
      return
    try:
      os.makedirs(os.path.dirname(file_path))
    except OSError as e:
      if e.errno != errno.EEXIST:
        self.log_error('Failed to create file in %s. The error is \\n%s', file_path, e)
    self.log_message('Writing received content to file %s', file_path)
    try:
      with open(file_path, mode) as f:
        f.write(content)
    except IOError as e:
      self.log_error("Something happened while processing 'writeFile'. The message is %s", e)
    self.respond(200, type=self.headers.get('Content-Type') or 'text/html')
    self.wfile.write(b'Content written to ' + filename.encode('utf-8'))


def run(args):
  logging.basicConfig(format='%(asctime)s %(levelname)s - %(message)s', filename=args['log-file'], level=logging.INFO)
  address = args['address']
  os.chdir(args['cwd'])
  ServerHandler.base_path = args['cwd']
  ServerHandler.restrict_write = not args['allow-write']
  if isinstance(address, tuple):
    family = socket.getaddrinfo(address[0], address[1])[0][0]
  else:
    family = socket.AF_UNIX
    if not address.startswith('\\0') and os.path.exists(address):
      try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(address)
        s.close()
      except socket.error:
        os.unlink(address)

  class Server(TCPServer):
    allow_reuse_address = 1
    address_family = family

  httpd = Server(address, ServerHandler)
  if args['cert-file']:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args['cert-file'], args['key-file'])
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
  logging.info('Starting simple http server at %s', address)
  httpd.serve_forever()
`;

export const simplehttpserver: RecipeModule = {
  names: ['slapos.cookbook:simplehttpserver'],
  pureInit: true,
  schema: {
    doc: 'Writes a service serving the files of base-path over HTTP(S), on host and port, a Unix socket or an abstract one.',
    options: {
      host: { doc: 'the address to listen on (with port)' },
      port: { doc: 'the port' },
      socketpath: { doc: 'a Unix socket to listen on instead' },
      abstract: { doc: 'an abstract Unix socket name to listen on instead' },
      'base-path': { doc: 'the directory served' },
      'log-file': { doc: 'where requests are logged' },
      wrapper: { doc: 'the service script to write' },
      'cert-file': { doc: 'TLS certificate (HTTPS)' },
      'key-file': { doc: 'its key' },
      'allow-write': { doc: 'true: POST writes files under base-path', default: 'false' },
    },
    required: ['base-path', 'log-file', 'wrapper'],
    generated: ['address'],
  },
  init({ name, options, buildout }) {
    const host = options.get('host');
    const port = options.get('port');
    const socketpath = options.get('socketpath');
    const abstract = options.get('abstract');
    if ([host, socketpath, abstract].filter(Boolean).length !== 1 || !!host !== !!port) throw new RecipeError('Specify one of (host, port) | socketpath | abstract');
    if (host && !/^\s*\d+\s*$/.test(port!)) throw new RecipeError(`[${name}] port: invalid literal for int() with base 10: ${strRepr(port!)}`);
    const address: PyValue = host ? new PyTuple([host, BigInt(port!.trim())]) : socketpath || '\0' + abstract;
    options.set('address', address);
    const args = [
      ['address', host ? `(${strRepr(host)}, ${Number(port)})` : pyLiteral(address as string)],
      ['cwd', pyLiteral(options.require('base-path'))],
      ['log-file', pyLiteral(options.require('log-file'))],
      ['cert-file', pyLiteral(options.get('cert-file') ?? null)],
      ['key-file', pyLiteral(options.get('key-file') ?? null)],
      ['allow-write', pyLiteral(isTrue(options.get('allow-write')))],
    ];
    const python = buildout.section('buildout').get('executable') || 'python3';
    const text = `#!${python}\n# Written by tsbuildout (slapos.cookbook:simplehttpserver)${SERVER}\n\nif __name__ == '__main__':\n  run({${args.map(([k, v]) => `${strRepr(k!)}: ${v}`).join(', ')}})\n`;
    const wrapper = options.require('wrapper').trim();
    // 0755: a console script in the real recipe
    const install = () => [createExecutable(wrapper, text, 0o755)];
    return { install, update: install };
  },
};
