// A real editor as client: Debian's neovim, headless, its built-in LSP
// client configured by a small init.lua to start `tsbuildout lsp`, opens a
// fixture profile; the test reads back, through `nvim --headless`, the
// diagnostics count, a hover text and a definition location.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uri } from '../helpers/lsp-client.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const INIT = `
-- tsbuildout's language server in neovim (0.7 or later): start it for the
-- buffer, then write what the client got to TSB_OUT and quit.
local env = os.getenv
local function finish(result)
  local f = assert(io.open(env('TSB_OUT'), 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end
local function first(responses)
  for _, r in pairs(responses or {}) do
    if r.result ~= nil then return r.result end
  end
end
vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  local ok, err = pcall(function()
    local buf = vim.api.nvim_get_current_buf()
    local id = vim.lsp.start_client({ name = 'tsbuildout', cmd = { env('TSB_NODE'), env('TSB_BIN'), 'lsp', '--stdio' }, root_dir = env('TSB_ROOT') })
    assert(id, 'the client did not start')
    vim.lsp.buf_attach_client(buf, id)
    vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
    local result = { diagnostics = #vim.diagnostic.get(buf), codes = {} }
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(result.codes, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '')
    end
    local doc = { uri = vim.uri_from_bufnr(buf) }
    local hover = first(vim.lsp.buf_request_sync(buf, 'textDocument/hover', { textDocument = doc, position = { line = tonumber(env('TSB_HOVER_LINE')), character = tonumber(env('TSB_HOVER_CHAR')) } }, 10000))
    result.hover = hover and hover.contents.value or vim.NIL
    local def = first(vim.lsp.buf_request_sync(buf, 'textDocument/definition', { textDocument = doc, position = { line = tonumber(env('TSB_DEF_LINE')), character = tonumber(env('TSB_DEF_CHAR')) } }, 10000))
    result.definition = def and def[1] or vim.NIL
    finish(result)
  end)
  if not ok then finish({ error = tostring(err) }) end
end })
`;

test('neovim, headless, with its built-in LSP client: diagnostics count, hover, definition', (t) => {
  const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (nvim.status !== 0) {
    t.skip('neovim is not installed (.ci/run installs it)');
    return;
  }
  const root = repositoryRoot();
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-nvim-'));
  try {
    cpSync(join(root, 'fixtures/lsp/project'), dir, { recursive: true });
    writeFileSync(join(dir, 'init.lua'), INIT);
    const file = join(dir, 'errors.cfg');
    const lines = readFileSync(file, 'utf8').split('\n');
    // hover on the key `output` of [hello]; definition of the section of `${hello:outpt}`
    const hoverLine = lines.findIndex((l) => l.startsWith('output = ${buildout:directory}/hi'));
    const defLine = lines.findIndex((l) => l.includes('${hello:outpt}'));
    const headerLine = lines.indexOf('[hello]');
    const out = join(dir, 'result.json');
    const run = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', join(dir, 'init.lua'), file], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        TSB_OUT: out,
        TSB_NODE: process.execPath,
        TSB_BIN: join(root, 'bin/tsbuildout.js'),
        TSB_ROOT: dir,
        TSB_HOVER_LINE: String(hoverLine),
        TSB_HOVER_CHAR: '2',
        TSB_DEF_LINE: String(defLine),
        TSB_DEF_CHAR: String(lines[defLine]!.indexOf('hello') + 1),
        XDG_CONFIG_HOME: join(dir, 'config'),
        XDG_DATA_HOME: join(dir, 'data'),
        XDG_STATE_HOME: join(dir, 'state'),
        XDG_CACHE_HOME: join(dir, 'cache'),
      },
    });
    assert.equal(run.status, 0, `nvim: ${run.stderr}${run.stdout}`);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.diagnostics, 4);
    assert.deepEqual([...result.codes].sort(), ['missing-recipe-option', 'undefined-option', 'undefined-option', 'undefined-section']);
    assert.match(result.hover, /^\*\*\[hello\] output\*\*/);
    assert.ok(result.hover.includes(`${dir}/hi`), result.hover);
    assert.match(result.hover, /- `=` errors\.cfg:15/);
    assert.deepEqual(result.definition, { uri: uri(file), range: { start: { line: headerLine, character: 1 }, end: { line: headerLine, character: 6 } } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
