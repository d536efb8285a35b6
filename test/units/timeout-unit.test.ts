// docs/API.md, "Units": timeouts are seconds (poll.poll's milliseconds). A seconds timeout of 1000
// or more is probably milliseconds: one IOMUX_TIMEOUT_UNIT warning per process, the value still
// used. Each case runs in a child process, since the warning is once per process.
import path from 'node:path';
import { NODE_TS, ROOT, runSync, succeeded } from '../helpers/child';

const lib = path.join(ROOT, 'lib', 'index.ts');

// Runs `body` (with `iomux` in scope) in a child and returns the warnings it emitted.
function warningsOf(body: string): Array<{ code: string; message: string }> {
  const script = `
    const warnings = [];
    process.on('warning', (w) => warnings.push({ code: w.code, message: w.message }));
    const iomux = require(${JSON.stringify(lib)});
    ${body}
    setImmediate(() => console.log(JSON.stringify(warnings)));`;
  return JSON.parse(succeeded(runSync(process.execPath, [...NODE_TS, '-e', script]), 'node -e')) as Array<{ code: string; message: string }>;
}

test('select(1500) on a selector warns once, naming seconds, and still waits (here: data is ready at once)', () => {
  const warnings = warningsOf(`
    const [a, b] = iomux.socket.socketpair();
    const sel = new iomux.DefaultSelector();
    sel.register(b, iomux.EVENT_READ);
    a.send(Buffer.from('x'));
    if (sel.select(1500).length !== 1) throw new Error('not ready');
    sel.select(2000);
    iomux.select.select([b], [], [], 3000);
    sel.close(); a.close(); b.close();`);
  expect(warnings).toEqual([{ code: 'IOMUX_TIMEOUT_UNIT', message: expect.stringMatching(/"timeoutSeconds" is 1500 seconds.*in seconds, as in Python; pass 1\.5 for 1500 ms/) }]);
});

const linux = process.platform === 'linux';
test.each([
  ...(linux ? [['epoll.poll (Linux)', `const ep = iomux.select.epoll(); const [a, b] = iomux.socket.socketpair(); ep.register(b.fileno(), iomux.select.EPOLLOUT); ep.poll(1000); ep.close();`]] : []),
  ['select.select', `const [a, b] = iomux.socket.socketpair(); iomux.select.select([], [b], [], 1000);`],
  ['selectAsync', `const sel = new iomux.PollSelector(); const [a, b] = iomux.socket.socketpair(); sel.register(b, iomux.EVENT_WRITE); sel.selectAsync(5000).then(() => sel.close());`],
])('%s with 1000 seconds or more warns', (_name, body) => {
  expect(warningsOf(body).map((w) => w.code)).toEqual(['IOMUX_TIMEOUT_UNIT']);
});

test('below 1000 seconds, poll.poll in milliseconds (any value) and blocking (null) never warn', () => {
  const warnings = warningsOf(`
    const [a, b] = iomux.socket.socketpair();
    const sel = new iomux.DefaultSelector();
    sel.register(b, iomux.EVENT_WRITE);
    sel.select(999.999); sel.select(null); sel.select(0);
    const p = iomux.select.poll(); p.register(b.fileno(), iomux.select.POLLOUT); p.poll(5000);
    sel.close(); a.close(); b.close();`);
  expect(warnings).toEqual([]);
});
