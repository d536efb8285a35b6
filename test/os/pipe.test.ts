// pipe, read, readInto, write, close, blocking flags and dup, on real pipes.
import { openFds } from '../helpers/fds';
import * as os from '../../lib/os';

const opened: number[] = [];
function track<T extends number[]>(fds: T): T {
  opened.push(...fds);
  return fds;
}

// Closes a tracked fd now, so that afterEach never closes a number that was reused since.
function shut(fd: number): void {
  opened.splice(opened.indexOf(fd), 1);
  os.close(fd);
}

afterEach(() => {
  for (const fd of opened.splice(0)) os.close(fd);
});

let before: number[];
beforeAll(() => {
  before = openFds();
});
afterAll(() => {
  expect(openFds()).toEqual(before);
});

test('pipe returns two distinct open fds, blocking by default', () => {
  const [r, w] = track(os.pipe());
  expect(Number.isInteger(r) && Number.isInteger(w)).toBe(true);
  expect(r).not.toBe(w);
  expect(openFds()).toEqual(expect.arrayContaining([r, w]));
  expect(os.getBlocking(r)).toBe(true);
  expect(os.getBlocking(w)).toBe(true);
});

test('bytes written to the write end are read from the read end', () => {
  const [r, w] = track(os.pipe());
  expect(os.write(w, Buffer.from('hello, pipe'))).toBe(11);
  const got = os.read(r, 100);
  expect(Buffer.isBuffer(got)).toBe(true);
  expect(got.toString()).toBe('hello, pipe');
});

test('read returns at most n bytes and leaves the rest', () => {
  const [r, w] = track(os.pipe());
  os.write(w, Buffer.from('abcdef'));
  expect(os.read(r, 4).toString()).toBe('abcd');
  expect(os.read(r, 4).toString()).toBe('ef');
});

test('a large short read is not pinned to its big allocation', () => {
  const [r, w] = track(os.pipe());
  os.write(w, Buffer.from('xyz'));
  const got = os.read(r, 1 << 20);
  expect(got.toString()).toBe('xyz');
  expect(got.buffer.byteLength).toBeLessThan(1 << 20);
});

test('write takes any TypedArray or DataView, honouring its byte offset', () => {
  const [r, w] = track(os.pipe());
  const backing = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(os.write(w, backing.subarray(2, 4))).toBe(2);
  expect(os.write(w, new DataView(backing.buffer, 5, 2))).toBe(2);
  expect(os.write(w, new Uint16Array([0x0201]))).toBe(2);
  expect([...os.read(r, 100)]).toEqual([2, 3, 5, 6, ...new Uint8Array(new Uint16Array([0x0201]).buffer)]);
});

test('write of an empty buffer returns 0', () => {
  const [, w] = track(os.pipe());
  expect(os.write(w, Buffer.alloc(0))).toBe(0);
});

test('read returns an empty Buffer at EOF once the write end is closed', () => {
  const [r, w] = track(os.pipe());
  os.write(w, Buffer.from('last'));
  shut(w);
  expect(os.read(r, 10).toString()).toBe('last');
  const eof = os.read(r, 10);
  expect(Buffer.isBuffer(eof)).toBe(true);
  expect(eof.length).toBe(0);
});

test('read of 0 bytes returns an empty Buffer without blocking', () => {
  const [r] = track(os.pipe());
  expect(os.read(r, 0).length).toBe(0);
});

test('readInto fills a window of the buffer and returns the count', () => {
  const [r, w] = track(os.pipe());
  os.write(w, Buffer.from('0123456789'));
  const buf = Buffer.alloc(8, '.');
  expect(os.readInto(r, buf, 2, 3)).toBe(3);
  expect(buf.toString()).toBe('..012...');
  expect(os.readInto(r, buf, 5)).toBe(3);
  expect(buf.toString()).toBe('..012345');
  const u32 = new Uint32Array(1);
  expect(os.readInto(r, u32)).toBe(4);
  expect(Buffer.from(u32.buffer).toString()).toBe('6789');
  shut(w);
  expect(os.readInto(r, buf)).toBe(0);
});

test('a non-blocking read with nothing to read throws EAGAIN', () => {
  const [r] = track(os.pipe());
  os.setBlocking(r, false);
  let err: unknown;
  try {
    os.read(r, 10);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(Error);
  expect(err).toMatchObject({ code: 'EAGAIN', syscall: 'read' });
  expect((err as { errno: number }).errno).toBeLessThan(0);
  expect(() => os.readInto(r, Buffer.alloc(4))).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
});

test('a non-blocking write to a full pipe throws EAGAIN after a short write', () => {
  const [r, w] = track(os.pipe());
  os.setBlocking(w, false);
  const chunk = Buffer.alloc(1 << 16, 1);
  let total = 0;
  let err: unknown;
  for (let i = 0; i < 1000 && err === undefined; i++) {
    try {
      total += os.write(w, chunk);
    } catch (e) {
      err = e;
    }
  }
  expect(err).toMatchObject({ code: 'EAGAIN', syscall: 'write' });
  expect(total).toBeGreaterThan(0);
  os.setBlocking(r, false);
  let drained = 0;
  for (;;) {
    try {
      drained += os.read(r, 1 << 16).length;
    } catch {
      break;
    }
  }
  expect(drained).toBe(total);
});

test('tryReadInto and tryWrite return null on would-block instead of throwing', () => {
  const [r, w] = track(os.pipe());
  os.setBlocking(r, false);
  os.setBlocking(w, false);
  const buf = Buffer.alloc(8, '.');
  expect(os.tryReadInto(r, buf)).toBeNull();
  expect(os.tryWrite(w, Buffer.from('abc'))).toBe(3);
  expect(os.tryReadInto(r, buf, 1, 2)).toBe(2);
  expect(buf.toString()).toBe('.ab.....');
  expect(os.tryReadInto(r, buf)).toBe(1);
  const chunk = Buffer.alloc(1 << 16);
  let wrote: number | null = 0;
  let total = 0;
  for (let i = 0; i < 1000 && wrote !== null; i++) {
    wrote = os.tryWrite(w, chunk);
    total += wrote ?? 0;
  }
  expect(wrote).toBeNull();
  expect(total).toBeGreaterThan(0);
  shut(r);
  // Other errors still throw.
  expect(() => os.tryWrite(w, Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'EPIPE' }));
  expect(() => os.tryReadInto(r, buf)).toThrow(expect.objectContaining({ code: 'EBADF' }));
});

test('tryReadInto returns 0 at EOF', () => {
  const [r, w] = track(os.pipe());
  shut(w);
  expect(os.tryReadInto(r, Buffer.alloc(4))).toBe(0);
});

test('setBlocking and getBlocking toggle O_NONBLOCK', () => {
  const [r] = track(os.pipe());
  os.setBlocking(r, false);
  expect(os.getBlocking(r)).toBe(false);
  os.setBlocking(r, false);
  expect(os.getBlocking(r)).toBe(false);
  os.setBlocking(r, true);
  expect(os.getBlocking(r)).toBe(true);
  os.setBlocking(r, 0 as unknown as boolean);
  expect(os.getBlocking(r)).toBe(false);
  os.setBlocking(r, 1 as unknown as boolean);
  expect(os.getBlocking(r)).toBe(true);
});

test('dup gives an independent fd to the same pipe', () => {
  const [r, w] = track(os.pipe());
  const w2 = track([os.dup(w)])[0];
  expect(w2).not.toBe(w);
  expect(w2).not.toBe(r);
  shut(w);
  expect(os.write(w2, Buffer.from('via dup'))).toBe(7);
  expect(os.read(r, 10).toString()).toBe('via dup');
  // Status flags belong to the open file, so the dup shares them.
  const r2 = track([os.dup(r)])[0];
  os.setBlocking(r, false);
  expect(os.getBlocking(r2)).toBe(false);
  shut(w2);
  expect(os.read(r2, 10).length).toBe(0);
});

test('close of a closed fd throws EBADF', () => {
  const [r, w] = os.pipe();
  os.close(r);
  os.close(w);
  expect(() => os.close(r)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'close' }));
});

test('every call on a closed fd throws EBADF', () => {
  const [r, w] = os.pipe();
  os.close(r);
  os.close(w);
  for (const call of [
    () => os.read(r, 1),
    () => os.readInto(r, Buffer.alloc(1)),
    () => os.write(w, Buffer.from('x')),
    () => os.setBlocking(r, false),
    () => os.getBlocking(r),
    () => os.dup(r),
    () => os.setAsync(r, true),
    () => os.getAsync(r),
    () => os.setOwner(r, process.pid),
    () => os.getOwner(r),
  ]) {
    expect(call).toThrow(expect.objectContaining({ code: 'EBADF' }));
  }
});

test('writing to a pipe with no reader throws EPIPE', () => {
  const [r, w] = track(os.pipe());
  shut(r);
  expect(() => os.write(w, Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'EPIPE' }));
});

test('setAsync/getAsync toggle O_ASYNC and setOwner/getOwner keep the owner', () => {
  const [r] = track(os.pipe());
  expect(os.getAsync(r)).toBe(false);
  expect(os.getOwner(r)).toBe(0);
  // The owner first: O_ASYNC with no owner sends no signal, so nothing can arrive here.
  os.setOwner(r, process.pid);
  expect(os.getOwner(r)).toBe(process.pid);
  os.setOwner(r, 0);
  expect(os.getOwner(r)).toBe(0);
  os.setAsync(r, true);
  expect(os.getAsync(r)).toBe(true);
  os.setAsync(r, false);
  expect(os.getAsync(r)).toBe(false);
});

test('setOwner to a process that does not exist throws ESRCH', () => {
  const [r] = track(os.pipe());
  // pid_max is at most 2^22 on Linux, so this pid cannot exist.
  expect(() => os.setOwner(r, 2 ** 30)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
});

test('the constants are the OS values', () => {
  expect(os.O_NONBLOCK).toBeGreaterThan(0);
  expect(os.O_ASYNC).toBeGreaterThan(0);
  expect(os.O_CLOEXEC).toBeGreaterThan(0);
  expect(new Set([os.O_NONBLOCK, os.O_ASYNC, os.O_CLOEXEC]).size).toBe(3);
  if (process.platform === 'linux') {
    expect(os.O_NONBLOCK).toBe(0o4000);
    expect(os.SIGIO).toBe(require('node:os').constants.signals.SIGIO);
  }
});
