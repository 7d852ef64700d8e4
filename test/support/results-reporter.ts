import { relative } from 'node:path';

// A node:test reporter that writes one line of JSON per test (file, name, outcome), so the
// safety case report can say which of the tests it cites passed in this run.

type Event = {
  type: string;
  data: { name: string; file?: string; skip?: unknown; todo?: unknown; details?: { type?: string } };
};

export default async function* resultsReporter(source: AsyncIterable<Event>) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite' || !data.file) continue;
    const outcome = event.type === 'test:fail' ? 'failed' : data.skip || data.todo ? 'skipped' : 'passed';
    yield `${JSON.stringify({ file: relative(process.cwd(), data.file).split('\\').join('/'), name: data.name, outcome })}\n`;
  }
}
