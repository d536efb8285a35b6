// Objects and errors that explain themselves: util.inspect shows Python's repr for sockets,
// selectors and keys; a failed connect carries `address` and `port` as node:net's errors do;
// "not registered" names the fd.
import { inspect } from 'node:util';
import { DefaultSelector, EVENT_READ, EVENT_WRITE, PollSelector } from '../../lib/selectors';
import { createConnection, createServer, socket, socketpair, AF_INET6, SOCK_DGRAM } from '../../lib/socket';

test("a listening socket shows fd, family and type by name, proto and laddr as Python's repr", () => {
  using server = createServer(['127.0.0.1', 0]);
  const port = server.getsockname()[1];
  expect(inspect(server)).toBe(`<socket fd=${server.fileno()}, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', ${port})>`);
});

test('a connected socket adds raddr; a closed one says [closed] with fd=-1 and no addresses', () => {
  using server = createServer(['127.0.0.1', 0]);
  const port = server.getsockname()[1];
  const client = createConnection(['127.0.0.1', port]);
  const local = client.getsockname()[1];
  expect(inspect(client)).toBe(
    `<socket fd=${client.fileno()}, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', ${local}), raddr=('127.0.0.1', ${port})>`,
  );
  client.close();
  expect(inspect(client)).toBe('<socket [closed] fd=-1, family=AF_INET, type=SOCK_STREAM, proto=0>');
});

test('an unnamed AF_UNIX socket shows no address; an IPv6 datagram socket its 4-field address', () => {
  const [a, b] = socketpair();
  expect(inspect(a)).toBe(`<socket fd=${a.fileno()}, family=AF_UNIX, type=SOCK_STREAM, proto=0>`);
  a.close();
  b.close();
  using u = socket(AF_INET6, SOCK_DGRAM);
  try {
    u.bind(['::1', 0]);
  } catch {
    // no IPv6 loopback on this machine: the unbound address ('::', 0, 0, 0) is shown instead
  }
  const [host, port] = u.getsockname();
  expect(inspect(u)).toBe(`<socket fd=${u.fileno()}, family=AF_INET6, type=SOCK_DGRAM, proto=0, laddr=('${host}', ${port}, 0, 0)>`);
});

test('a selector shows its class, kernel fd (where it has one) and key count; a key shows its fields', () => {
  const [a, b] = socketpair();
  const sel = new DefaultSelector<string>();
  const key = sel.register(a, EVENT_READ | EVENT_WRITE, 'conn');
  const fd = (sel as unknown as { fileno?: () => number }).fileno?.();
  expect(inspect(sel)).toBe(`<${sel.constructor.name} ${fd === undefined ? '' : `fd=${fd}, `}keys=1>`);
  expect(inspect(key)).toBe(`SelectorKey(fileobj=${inspect(a)}, fd=${a.fileno()}, events=EVENT_READ|EVENT_WRITE, data='conn')`);
  sel.close();
  expect(inspect(sel)).toBe(`<${sel.constructor.name} [closed]>`);
  const poll = new PollSelector();
  expect(inspect(poll)).toBe('<PollSelector keys=0>');
  poll.close();
  a.close();
  b.close();
});

test('unregister, modify and getKey of an object not registered name it and its fd', () => {
  const [a, b] = socketpair();
  using sel = new DefaultSelector();
  for (const call of [() => sel.unregister(a), () => sel.modify(a, EVENT_READ), () => sel.getKey(a)]) {
    expect(call).toThrow(expect.objectContaining({ code: 'ERR_NOT_REGISTERED', message: `Socket (fd ${a.fileno()}) is not registered` }));
  }
  expect(() => sel.unregister(b.fileno())).toThrow(`fd ${b.fileno()} is not registered`);
  a.close();
  b.close();
});

test('a refused connect carries address and port, in the message too, as node:net', () => {
  using server = createServer(['127.0.0.1', 0]);
  const port = server.getsockname()[1];
  server.close(); // nothing listens there now
  const expected = { code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port };
  expect(() => createConnection(['127.0.0.1', port])).toThrow(expect.objectContaining(expected));
  expect(() => createConnection(['127.0.0.1', port], 5)).toThrow(expect.objectContaining(expected));
  using s = socket();
  expect(() => s.connect(['127.0.0.1', port])).toThrow(expect.objectContaining({ ...expected, message: expect.stringContaining(`connect 127.0.0.1:${port}`) }));
});

test('createConnection whose timeout passes is a TimeoutError, as a connect() in timeout mode (and CPython\'s), with address and port', () => {
  using listener = socket();
  listener.bind(['127.0.0.1', 0]);
  listener.listen(0);
  const port = listener.getsockname()[1];
  const queued = Array.from({ length: 8 }, () => {
    const c = socket();
    c.setblocking(false);
    c.connectEx(['127.0.0.1', port]); // fills the backlog: nobody accepts
    return c;
  });
  try {
    expect(() => createConnection(['127.0.0.1', port], 0.2)).toThrow(expect.objectContaining({
      name: 'TimeoutError', code: 'ETIMEDOUT', syscall: 'connect', address: '127.0.0.1', port, message: `ETIMEDOUT: timed out, connect 127.0.0.1:${port}`,
    }));
  } finally {
    for (const c of queued) c.close();
  }
});

test('a failed AF_UNIX connect carries the path as address, and no port', () => {
  const [a] = socketpair();
  const path = `/tmp/iomux-no-such-${process.pid}.sock`;
  let err: { address?: string; port?: number; code?: string } = {};
  try {
    a.connect(path);
  } catch (e) {
    err = e as typeof err;
  }
  expect(err).toMatchObject({ code: 'ENOENT', address: path });
  expect(err.port).toBeUndefined();
  a.close();
});
