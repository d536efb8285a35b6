// socketpair, send/recv, the non-throwing hot path, EOF, EPIPE without SIGPIPE.
import { expectNoFdLeaks } from '../helpers/fds';
import { AF_UNIX, SOCK_DGRAM, SOCK_STREAM, SHUT_WR, Socket, socketpair } from '../../lib/socket';

expectNoFdLeaks();

test('socketpair sends and receives both ways', () => {
  const [a, b] = socketpair();
  try {
    expect(a).toBeInstanceOf(Socket);
    expect(a.family).toBe(AF_UNIX);
    expect(a.type).toBe(SOCK_STREAM);
    expect(a.send(Buffer.from('hello'))).toBe(5);
    expect(b.recv(100).toString()).toBe('hello');
    b.sendall(Buffer.from('back'));
    expect(a.recv(2).toString()).toBe('ba');
    expect(a.recv(2).toString()).toBe('ck');
  } finally {
    a.close();
    b.close();
  }
});

test('recv at end of stream is an empty Buffer; recvInto and tryRecvInto return 0', () => {
  const [a, b] = socketpair();
  try {
    a.shutdown(SHUT_WR);
    expect(b.recv(10)).toEqual(Buffer.alloc(0));
    expect(b.recvInto(Buffer.alloc(4))).toBe(0);
    expect(b.tryRecvInto(Buffer.alloc(4))).toBe(0);
  } finally {
    a.close();
    b.close();
  }
});

test('recv(0) and a recvInto of no bytes return at once, even on a blocking socket with nothing to read, and consume nothing (a datagram stays), as CPython', () => {
  for (const type of [SOCK_STREAM, SOCK_DGRAM]) {
    const [a, b] = socketpair(AF_UNIX, type);
    try {
      // blocking: a receive that reached the kernel would wait here for good
      expect(a.recv(0)).toEqual(Buffer.alloc(0));
      expect(a.recvInto(Buffer.alloc(0))).toBe(0);
      b.send(Buffer.from('message'));
      expect(a.recv(0)).toEqual(Buffer.alloc(0));
      expect(a.recv(100).toString()).toBe('message');
    } finally {
      a.close();
      b.close();
    }
  }
});

test('would-block: recv/send throw EAGAIN, tryRecvInto/trySend return null', () => {
  const [a, b] = socketpair();
  try {
    a.setBlocking(false);
    expect(a.getBlocking()).toBe(false);
    expect(b.getBlocking()).toBe(true);
    expect(() => a.recv(10)).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'recv' }));
    expect(() => a.recvInto(Buffer.alloc(4))).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
    expect(a.tryRecvInto(Buffer.alloc(4))).toBeNull();
    const chunk = Buffer.alloc(65536, 1);
    let sent = 0;
    for (;;) {
      const n = a.trySend(chunk);
      if (n === null) break;
      sent += n;
    }
    expect(sent).toBeGreaterThan(0);
    expect(a.trySend(chunk)).toBeNull();
    expect(() => a.send(chunk)).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'send' }));
    expect(() => a.sendall(chunk)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
    // The data sent is all there on the other side.
    const buf = Buffer.alloc(65536);
    b.setBlocking(false);
    let got = 0;
    for (;;) {
      const n = b.tryRecvInto(buf);
      if (n === null) break;
      got += n;
    }
    expect(got).toBeGreaterThanOrEqual(sent);
  } finally {
    a.close();
    b.close();
  }
});

test('writing to a closed peer throws EPIPE and raises no SIGPIPE', () => {
  const [a, b] = socketpair();
  b.close();
  try {
    expect(() => a.send(Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'EPIPE' }));
    expect(() => a.trySend(Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'EPIPE' }));
    expect(() => a.sendall(Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'EPIPE' }));
  } finally {
    a.close();
  }
});

test('datagram socketpair keeps message boundaries; recvfrom gives an unnamed sender as null (as Python)', () => {
  const [a, b] = socketpair(AF_UNIX, SOCK_DGRAM);
  try {
    expect(a.type).toBe(SOCK_DGRAM);
    a.send(Buffer.from('one'));
    a.send(Buffer.from('two'));
    const [data, from] = b.recvfrom(100);
    expect(data.toString()).toBe('one');
    expect(from).toBeNull();
    expect(b.recv(100).toString()).toBe('two');
  } finally {
    a.close();
    b.close();
  }
});

test('close is idempotent; fileno is -1 after close; closed reflects it; dispose closes', () => {
  const [a, b] = socketpair();
  expect(a.fileno()).toBeGreaterThanOrEqual(0);
  expect(a.closed).toBe(false);
  a.close();
  a.close();
  expect(a.closed).toBe(true);
  expect(a.fileno()).toBe(-1);
  b[Symbol.dispose]();
  expect(b.closed).toBe(true);
});

test('recvInto honours nbytes and typed arrays of other element sizes', () => {
  const [a, b] = socketpair();
  try {
    a.send(Buffer.from('abcdefgh'));
    const buf = Buffer.alloc(8);
    expect(b.recvInto(buf, 3)).toBe(3);
    expect(buf.subarray(0, 3).toString()).toBe('abc');
    const u32 = new Uint32Array(1);
    expect(b.recvInto(u32)).toBe(4);
    expect(Buffer.from(u32.buffer).toString()).toBe('defg');
    const view = new DataView(new ArrayBuffer(4), 1, 2);
    expect(b.tryRecvInto(view)).toBe(1);
    expect(view.getUint8(0)).toBe('h'.charCodeAt(0));
  } finally {
    a.close();
    b.close();
  }
});
