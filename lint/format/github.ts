// --format github: GitHub Actions workflow commands, one per finding
// (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`),
// which the runner turns into annotations on the pull request.
import type { LintFinding } from '../types.ts';
import { displayPath } from './stylish.ts';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(findings: LintFinding[], cwd: string): string {
  return findings
    .map((f) => {
      const props: string[] = [];
      if (f.span) {
        props.push(`file=${escapeProperty(displayPath(f.span.file, cwd))}`, `line=${f.span.line}`, `col=${f.span.column}`);
        props.push(`endLine=${f.span.endLine}`, `endColumn=${f.span.endColumn}`);
      }
      props.push(`title=${escapeProperty(`tsbuildout ${f.rule}`)}`);
      const text = [f.message, f.hint ? `hint: ${f.hint}` : ''].filter(Boolean).join('\n');
      return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(text)}`;
    })
    .join('\n');
}
