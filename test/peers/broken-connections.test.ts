// The client side of broken connections, through iomux's own sockets (in this process, on
// loopback): a connect to a closed port fails with ECONNREFUSED and its code, blocking or not,
// on every backend, leaving no fd behind; a peer that vanishes while sendall() is under way makes
// it throw EPIPE or ECONNRESET (never SIGPIPE, which would end this process).
import { constants } from 'node:os';
import { EpollSelector, EVENT_WRITE, KqueueSelector, PollSelector, SelectSelector, socket } from '../../lib/index';
import { fdCount } from '../helpers/fds';
import { whenAvailable } from '../helpers/platform';

// A port nobody listens on: bound once by a socket that then closes without listening.
function closedPort(): number {
  const s = socket.socket();
  s.bind(['127.0.0.1', 0]);
  const port = s.getsockname()[1] as number;
  s.close();
  return port;
}

test('a blocking connect and createConnection to a closed port throw ECONNREFUSED with errno and syscall, and leave no fd open', () => {
  const port = closedPort();
  const before = fdCount();
  for (let i = 0; i < 20; i++) {
    const s = socket.socket();
    expect(() => s.connect(['127.0.0.1', port])).toThrow(expect.objectContaining({ code: 'ECONNREFUSED', errno: -constants.errno.ECONNREFUSED, syscall: 'connect' }));
    s.close();
    expect(() => socket.createConnection(['127.0.0.1', port])).toThrow(expect.objectContaining({ code: 'ECONNREFUSED' }));
  }
  expect(fdCount()).toBe(before);
});

const BACKENDS = [SelectSelector, PollSelector, EpollSelector, KqueueSelector];
describe.each(BACKENDS.map((cls) => [cls.name, cls] as const))('%s', (_name, cls) => {
  const testIf = whenAvailable(cls).test;
  testIf('a non-blocking connect to a closed port: EINPROGRESS, then writable with SO_ERROR ECONNREFUSED (select and selectAsync)', async () => {
    const port = closedPort();
    for (const how of ['select', 'selectAsync'] as const) {
      const s = socket.socket();
      s.setBlocking(false);
      const first = s.connectEx(['127.0.0.1', port]);
      expect([constants.errno.EINPROGRESS, constants.errno.ECONNREFUSED]).toContain(first);
      if (first === constants.errno.EINPROGRESS) {
        const sel = new cls();
        sel.register(s, EVENT_WRITE);
        const ready = how === 'select' ? sel.select(5) : await sel.selectAsync(5);
        expect(ready.map(([key, ev]) => [key.fileobj, ev])).toEqual([[s, EVENT_WRITE]]);
        expect(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)).toBe(constants.errno.ECONNREFUSED);
        sel.close();
      }
      s.close();
    }
  });
});

test('a peer gone with bytes unread: a blocking sendall() of more than any socket buffer throws EPIPE or ECONNRESET with its code, no SIGPIPE', () => {
  const server = socket.createServer(['127.0.0.1', 0]);
  const client = socket.createConnection(['127.0.0.1', server.getsockname()[1] as number]);
  const [peer] = server.accept();
  // The peer takes a little, then goes: its unread bytes make its close a reset.
  client.send(Buffer.alloc(1000));
  peer.recv(10);
  peer.close();
  let caught: unknown;
  try {
    client.sendall(Buffer.alloc(32 << 20)); // more than any socket buffer: it must fail part-way
  } catch (err) {
    caught = err;
  }
  expect(caught).toMatchObject({ code: expect.stringMatching(/^(EPIPE|ECONNRESET)$/), syscall: 'send' });
  client.close();
  server.close();
});
