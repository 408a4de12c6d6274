// A node:test reporter that says, after the run, which tests were skipped
// and why (a clone without ../shared/corpus skips the corpus groups: one
// `# SKIP` line each is easily lost in thousands of lines). npm test uses
// it beside the TAP reporter: `--test-reporter=./dist/scripts/skipped-tests-reporter.mjs`.
interface TestEvent {
  type: string;
  data: { name?: string; file?: string; skip?: string | boolean; nesting?: number };
}

export default async function* skippedTests(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const skipped: string[] = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, name, file } = event.data;
    if (skip === undefined || skip === false) continue;
    const where = file ? ` (${file.replace(/^.*\/dist\//, '')})` : '';
    skipped.push(`  - ${name}${where}${typeof skip === 'string' ? `: ${skip}` : ''}`);
  }
  if (skipped.length) yield `\n${skipped.length} test${skipped.length === 1 ? '' : 's'} skipped:\n${skipped.join('\n')}\n`;
}
