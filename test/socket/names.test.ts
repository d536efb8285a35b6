// Naming (docs/API.md): Python's one-word names stay one word — setblocking, getblocking, fromfd.
// The round-1 camelCase names remain as deprecated aliases that do the same.
import { dup } from '../../lib/os';
import { AF_INET, SOCK_DGRAM, SOCK_STREAM, Socket, socket, socketpair } from '../../lib/socket';

test('setblocking/getblocking set and read O_NONBLOCK', () => {
  const [a, b] = socketpair();
  expect(a.getblocking()).toBe(true);
  a.setblocking(false);
  expect(a.getblocking()).toBe(false);
  expect(() => a.recv(1)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
  a.setblocking(true);
  expect(a.getblocking()).toBe(true);
  a.close();
  b.close();
});

test('the deprecated setBlocking/getBlocking do the same', () => {
  const [a, b] = socketpair();
  a.setBlocking(false);
  expect(a.getblocking()).toBe(false);
  a.setblocking(true);
  expect(a.getBlocking()).toBe(true);
  a.close();
  b.close();
});

test('Socket.fromfd adopts an fd; the deprecated Socket.fromFd too', () => {
  const [a, b] = socketpair();
  for (const adopt of [Socket.fromfd, Socket.fromFd]) {
    const s = adopt(dup(a.fileno()));
    expect(s.family).toBe(a.family);
    s.send(Buffer.from('x'));
    expect(b.recv(1).toString()).toBe('x');
    s.close();
  }
  a.close();
  b.close();
});

test('Socket.fromfd reads family, type and protocol from the fd, as CPython\'s socket(fileno=…): TCP 6, UDP 17, AF_UNIX 0', () => {
  for (const [type, proto] of [[SOCK_STREAM, 6], [SOCK_DGRAM, 17]]) {
    using s = Socket.fromfd(socket(AF_INET, type).detach());
    expect([s.family, s.type, s.proto]).toEqual([AF_INET, type, proto]);
  }
  const [a, b] = socketpair();
  using u = Socket.fromfd(a.detach());
  expect(u.proto).toBe(0);
  b.close();
});
