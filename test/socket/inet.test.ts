// Real TCP and UDP over IPv4 and IPv6, and AF_UNIX paths: addresses, accept, connect, sockopts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoFdLeaks, openFds } from '../helpers/fds';
import { hasIpv6Loopback, linuxOnly, when } from '../helpers/platform';
import {
  AF_INET, AF_INET6, AF_UNIX, IPPROTO_IPV6, IPPROTO_TCP, IPV6_V6ONLY, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, SO_ACCEPTCONN, SO_ERROR,
  SO_LINGER, SO_RCVBUF, SO_REUSEADDR, SO_REUSEPORT, SO_TYPE, Socket, TCP_NODELAY, createConnection, createServer, socket,
} from '../../lib/socket';

// Conditional: without ::1 the IPv6 tests are skipped, with the reason added to each name.
const test6 = (name: string, fn: () => void) => when(hasIpv6Loopback, '::1 is unavailable here').test(name, fn);

expectNoFdLeaks();

test('TCP over IPv4: bind, listen, connect, accept with the peer address, send and recv', () => {
  const server = socket(AF_INET, SOCK_STREAM);
  const client = socket();
  let conn: Socket | undefined;
  try {
    expect(client.family).toBe(AF_INET);
    server.bind(['127.0.0.1', 0]);
    server.listen();
    const bound = server.getsockname() as [string, number];
    expect(bound).toEqual(['127.0.0.1', expect.any(Number)]);
    expect(server.getsockopt(SOL_SOCKET, SO_ACCEPTCONN)).toBe(1);
    client.connect(['127.0.0.1', bound[1]]);
    const [c, peer] = server.accept();
    conn = c;
    expect(c.family).toBe(AF_INET);
    expect(c.type).toBe(SOCK_STREAM);
    expect(peer).toEqual(client.getsockname());
    expect(client.getpeername()).toEqual(bound);
    expect(c.getpeername()).toEqual(peer);
    client.sendall(Buffer.from('ping'));
    expect(c.recv(10).toString()).toBe('ping');
    c.send(Buffer.from('pong'));
    const [data, from] = client.recvfrom(10);
    expect(data.toString()).toBe('pong');
    expect(from).toBeNull();
  } finally {
    conn?.close();
    client.close();
    server.close();
  }
});

test('an accepted socket is blocking even from a non-blocking listener (as Python)', () => {
  const server = createServer(['127.0.0.1', 0]);
  const client = createConnection(['127.0.0.1', (server.getsockname() as [string, number])[1]]);
  try {
    server.setBlocking(false);
    const [c] = server.accept();
    expect(c.getBlocking()).toBe(true);
    c.close();
    expect(() => server.accept()).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'accept' }));
  } finally {
    client.close();
    server.close();
  }
});

test6('TCP over IPv6: addresses are [host, port, flowinfo, scopeId]', () => {
  const server = socket(AF_INET6, SOCK_STREAM);
  const client = socket(AF_INET6);
  let conn: Socket | undefined;
  try {
    server.bind(['::1', 0]);
    server.listen(5);
    const bound = server.getsockname() as [string, number, number, number];
    expect(bound).toEqual(['::1', expect.any(Number), 0, 0]);
    client.connect(['::1', bound[1]]);
    const [c, peer] = server.accept();
    conn = c;
    expect(peer).toEqual(['::1', expect.any(Number), 0, 0]);
    expect(peer).toEqual(client.getsockname());
    client.send(Buffer.from('six'));
    expect(c.recv(3).toString()).toBe('six');
  } finally {
    conn?.close();
    client.close();
    server.close();
  }
});

test6('createServer infers AF_INET6 from the host and sets IPV6_V6ONLY; createConnection with a timeout', () => {
  const server = createServer(['::1', 0]);
  try {
    expect(server.family).toBe(AF_INET6);
    expect(server.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY)).toBe(1);
    const port = (server.getsockname() as [string, number])[1];
    const client = createConnection(['::1', port], 5);
    const [c] = server.accept();
    expect(client.getBlocking()).toBe(true);
    c.close();
    client.close();
  } finally {
    server.close();
  }
});

test('UDP over IPv4: sendto and recvfrom carry addresses; message boundaries kept', () => {
  const a = socket(AF_INET, SOCK_DGRAM);
  const b = socket(AF_INET, SOCK_DGRAM);
  try {
    expect(a.type).toBe(SOCK_DGRAM);
    a.bind(['127.0.0.1', 0]);
    b.bind(['localhost', 0]);
    const bAddr = b.getsockname();
    expect(a.sendto(Buffer.from('hello'), bAddr)).toBe(5);
    expect(a.sendto(Buffer.from('again'), 0, bAddr)).toBe(5);
    const [data, from] = b.recvfrom(100);
    expect(data.toString()).toBe('hello');
    expect(from).toEqual(a.getsockname());
    const buf = Buffer.alloc(3);
    const [n, from2] = b.recvfromInto(buf);
    expect(n).toBe(3); // a datagram longer than the buffer is truncated
    expect(buf.toString()).toBe('aga');
    expect(from2).toEqual(a.getsockname());
    b.setBlocking(false);
    expect(() => b.recvfrom(10)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
  } finally {
    a.close();
    b.close();
  }
});

test6('UDP over IPv6', () => {
  const a = socket(AF_INET6, SOCK_DGRAM);
  const b = socket(AF_INET6, SOCK_DGRAM);
  try {
    b.bind(['::1', 0]);
    a.sendto(Buffer.from('v6'), b.getsockname());
    const [data, from] = b.recvfrom(10);
    expect(data.toString()).toBe('v6');
    expect(from).toEqual(['::1', expect.any(Number), 0, 0]);
  } finally {
    a.close();
    b.close();
  }
});

describe('AF_UNIX', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iomux-sock-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('stream over a path: the server names itself by path, the client is unnamed ("")', () => {
    const path = join(dir, 's1');
    const server = createServer(path);
    const client = socket(AF_UNIX, SOCK_STREAM);
    try {
      expect(server.family).toBe(AF_UNIX);
      expect(server.getsockname()).toBe(path);
      client.connect(path);
      const [c, peer] = server.accept();
      expect(peer).toBe('');
      expect(client.getpeername()).toBe(path);
      expect(client.getsockname()).toBe('');
      client.send(Buffer.from('unix'));
      expect(c.recv(10).toString()).toBe('unix');
      c.close();
    } finally {
      client.close();
      server.close();
    }
  });

  test('datagrams over paths: recvfrom names the sender', () => {
    const a = socket(AF_UNIX, SOCK_DGRAM);
    const b = socket(AF_UNIX, SOCK_DGRAM);
    try {
      a.bind(join(dir, 'a'));
      b.bind(join(dir, 'b'));
      a.sendto(Buffer.from('dg'), join(dir, 'b'));
      const [data, from] = b.recvfrom(10);
      expect(data.toString()).toBe('dg');
      expect(from).toBe(join(dir, 'a'));
    } finally {
      a.close();
      b.close();
    }
  });

  linuxOnly.test('abstract names start with "\\0" and come back so', () => {
    const name = `\0iomux-test-${process.pid}-${Date.now()}`;
    const server = createServer(name);
    const client = socket(AF_UNIX);
    try {
      expect(server.getsockname()).toBe(name);
      client.connect(name);
      expect(client.getpeername()).toBe(name);
      server.accept()[0].close();
    } finally {
      client.close();
      server.close();
    }
  });

  test('connecting to a missing path is ENOENT; a too-long path is ENAMETOOLONG', () => {
    const s = socket(AF_UNIX);
    try {
      expect(() => s.connect(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'connect' }));
      expect(() => s.connect('x'.repeat(200))).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }));
    } finally {
      s.close();
    }
  });
});

test('setsockopt/getsockopt: ints, booleans and raw bytes', () => {
  const s = socket();
  try {
    expect(s.getsockopt(SOL_SOCKET, SO_TYPE)).toBe(SOCK_STREAM);
    s.setsockopt(SOL_SOCKET, SO_REUSEADDR, true);
    expect(s.getsockopt(SOL_SOCKET, SO_REUSEADDR)).not.toBe(0);
    s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 0);
    expect(s.getsockopt(SOL_SOCKET, SO_REUSEADDR)).toBe(0);
    s.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
    expect(s.getsockopt(IPPROTO_TCP, TCP_NODELAY)).not.toBe(0);
    s.setsockopt(SOL_SOCKET, SO_RCVBUF, 65536);
    expect(s.getsockopt(SOL_SOCKET, SO_RCVBUF)).toBeGreaterThanOrEqual(65536);
    // struct linger { int l_onoff; int l_linger; }
    const linger = Buffer.alloc(8);
    linger.writeInt32LE(1, 0);
    linger.writeInt32LE(7, 4);
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
      linger.writeInt32BE(1, 0);
      linger.writeInt32BE(7, 4);
    }
    s.setsockopt(SOL_SOCKET, SO_LINGER, linger);
    const got = s.getsockopt(SOL_SOCKET, SO_LINGER, 8);
    expect(got.length).toBe(8);
    expect(got).toEqual(linger);
    expect(s.getsockopt(SOL_SOCKET, SO_ERROR)).toBe(0);
    expect(() => s.getsockopt(SOL_SOCKET, 0x7fff)).toThrow(expect.objectContaining({ code: 'ENOPROTOOPT' }));
  } finally {
    s.close();
  }
});

test('createServer sets SO_REUSEADDR, listens, and a port in use is EADDRINUSE with nothing leaked', () => {
  const server = createServer(['127.0.0.1', 0], { backlog: 4 });
  try {
    expect(server.family).toBe(AF_INET);
    expect(server.getsockopt(SOL_SOCKET, SO_REUSEADDR)).not.toBe(0);
    expect(server.getsockopt(SOL_SOCKET, SO_ACCEPTCONN)).toBe(1);
    const port = (server.getsockname() as [string, number])[1];
    const fds = openFds();
    expect(() => createServer(['127.0.0.1', port])).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
    expect(openFds()).toEqual(fds);
  } finally {
    server.close();
  }
});

when(SO_REUSEPORT !== undefined, 'no SO_REUSEPORT on this OS').test('createServer with reusePort lets two servers share a port', () => {
  const a = createServer(['127.0.0.1', 0], { reusePort: true });
  try {
    const port = (a.getsockname() as [string, number])[1];
    const b = createServer(['127.0.0.1', port], { reusePort: true });
    b.close();
  } finally {
    a.close();
  }
});

test('createConnection: blocking, and with a timeout; refused is ECONNREFUSED with nothing leaked', () => {
  const server = createServer(['127.0.0.1', 0]);
  const port = (server.getsockname() as [string, number])[1];
  try {
    const c1 = createConnection(['127.0.0.1', port]);
    const c2 = createConnection(['localhost', port], 2.5);
    expect(c2.getBlocking()).toBe(true);
    expect(c2.getpeername()).toEqual(['127.0.0.1', port]);
    server.accept()[0].close();
    server.accept()[0].close();
    c1.close();
    c2.close();
  } finally {
    server.close();
  }
  // The port is free now (nobody listens): refused, both blocking and with a timeout.
  expect(() => createConnection(['127.0.0.1', port])).toThrow(expect.objectContaining({ code: 'ECONNREFUSED' }));
  expect(() => createConnection(['127.0.0.1', port], 2)).toThrow(expect.objectContaining({ code: 'ECONNREFUSED' }));
});

test('Socket.fromFd adopts an fd: family and type come from the fd, and it owns it', () => {
  const s = socket(AF_INET, SOCK_DGRAM);
  const fd = s.detach();
  expect(s.closed).toBe(true);
  expect(s.detach()).toBe(-1);
  const t = Socket.fromFd(fd);
  try {
    expect(t.fileno()).toBe(fd);
    expect(t.family).toBe(AF_INET);
    expect(t.type).toBe(SOCK_DGRAM);
  } finally {
    t.close();
  }
  expect(() => Socket.fromFd(0x7ffffff0)).toThrow(expect.objectContaining({ code: 'EBADF' }));
});
