// `graph [--format text|json|dot|mermaid|html] [--output FILE] [PART …]`:
// the parts, the sections they depend on, and every edge labelled with the
// reference that creates it (inspect/graph.ts).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildGraph } from '../../inspect/graph.ts';
import { graphHtml } from '../../inspect/graph-html.ts';
import { graphDot, graphMermaid, graphText } from '../../inspect/graph-render.ts';
import { inspectProfile } from '../../inspect/model.ts';
import { UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';

const FORMATS = ['text', 'json', 'dot', 'mermaid', 'html'];

function option(args: string[], name: string): string | undefined {
  const a = args.find((x) => x.startsWith(name + '='));
  return a?.slice(name.length + 1);
}

export async function graphCommand(ctx: CommandContext): Promise<number> {
  const format = option(ctx.args.args, '--format') ?? (ctx.args.json ? 'json' : 'text');
  if (!FORMATS.includes(format)) throw new UsageError(`--format: expected ${FORMATS.join(', ')}, got '${format}'`);
  const output = option(ctx.args.args, '--output');
  const parts = ctx.args.args.filter((a) => !a.startsWith('--'));
  const insp = await inspectProfile(ctx.load);
  if (insp.partsError && !parts.length && !insp.buildout.parts.length) throw insp.partsError;
  const graph = buildGraph(insp, { parts, options: format === 'html' || format === 'json' });
  let text: string;
  switch (format) {
    case 'json':
      text = JSON.stringify({ ok: true, graph }, null, 1);
      break;
    case 'dot':
      text = graphDot(graph);
      break;
    case 'mermaid':
      text = graphMermaid(graph);
      break;
    case 'html':
      text = graphHtml(graph);
      break;
    default:
      text = graphText(graph, ctx.cwd);
  }
  if (output) {
    writeFileSync(resolve(ctx.cwd, output), text.endsWith('\n') ? text : text + '\n');
    ctx.err(`wrote ${output}`);
  } else ctx.out(text);
  if (insp.partsError) ctx.err(`warning: resolution stopped: ${insp.partsError.primary.message}`);
  return 0;
}
