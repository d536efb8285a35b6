// examples/selectors-echo.ts: the selectors example, and the copy in README.md.
import fs from 'node:fs';
import path from 'node:path';
import { EpollSelector, KqueueSelector, PollSelector, SelectSelector } from '../../lib/index';
import { ROOT } from '../helpers/child';
import { whenAvailable } from '../helpers/platform';
import { checkConcurrentEcho, killAll, netEcho, payload, run, START_TIMEOUT_MS } from './harness';

afterEach(killAll);

// Indentation is not compared: the example may wrap a README line in a block of its own (its
// error handling around the callback call).
function nonBlankLines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

test('README.md\'s selectors example is this example, line for line, in the same order', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## The selectors example, in TypeScript')[1];
  expect(section).toBeDefined();
  const block = /```ts\n([\s\S]*?)```/.exec(section)![1];
  // The two places where the README and a program run from the source tree must differ:
  // the package name, and the port (the example takes it from the command line).
  const wanted = nonBlankLines(block).map((l) => l.replace("from 'iomux'", "from '../lib/index'").replace("'localhost', 1234]", "'localhost', port]"));
  const example = nonBlankLines(fs.readFileSync(path.join(ROOT, 'examples/selectors-echo.ts'), 'utf8'));
  expect(wanted.length).toBeGreaterThan(30);
  let at = 0;
  for (const line of wanted) {
    const found = example.indexOf(line, at);
    expect({ line, found: found >= 0 }).toEqual({ line, found: true });
    at = found + 1;
  }
});

test('echoes every byte to concurrent clients, logs as the Python example does, and exits after --max-clients', async () => {
  const ex = await run('selectors-echo', ['0', '--max-clients', '5']);
  // conn.send() "hopes it won't block": the payload stays well under the socket buffers.
  await checkConcurrentEcho(ex.port, 200000);
  const hello = Buffer.from('hello');
  expect(await netEcho(ex.port, [hello])).toEqual(hello);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  expect(ex.lines.filter((l) => /^accepted \d+ from \[ '127\.0\.0\.1', \d+ \]$/.test(l))).toHaveLength(5);
  expect(ex.lines.filter((l) => /^closing \d+$/.test(l))).toHaveLength(5);
  expect(ex.lines).toContainEqual(expect.stringMatching(/^echoing <Buffer 68 65 6c 6c 6f> to \d+$/));
}, START_TIMEOUT_MS + 30000);

const backends = { select: SelectSelector, poll: PollSelector, epoll: EpollSelector, kqueue: KqueueSelector };
describe.each(Object.entries(backends))('with IOMUX_SELECTOR=%s', (name, cls) => {
  whenAvailable(cls).test('the same program echoes every byte', async () => {
    const ex = await run('selectors-echo', ['0', '--max-clients', '1'], undefined, { IOMUX_SELECTOR: name });
    const data = payload(20000, 7);
    expect((await netEcho(ex.port, [data])).equals(data)).toBe(true);
    expect(await ex.exited).toEqual({ code: 0, signal: null });
    expect(ex.stderr()).toBe('');
  }, START_TIMEOUT_MS + 10000);
});

test('SIGTERM ends it while sel.select() sleeps (no handler runs: the default action)', async () => {
  const ex = await run('selectors-echo', ['0']);
  ex.child.kill('SIGTERM');
  expect(await ex.exited).toEqual({ code: null, signal: 'SIGTERM' });
}, START_TIMEOUT_MS + 10000);
