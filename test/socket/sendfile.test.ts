// Socket.sendfile (Python's socket.sendfile): sendfile(2) on a blocking or timeout-mode stream
// socket, the read + send fallback for what sendfile(2) cannot serve, the file position after,
// non-blocking sockets refused; a 50 MB file to a python3 client, sha256 checked; bad input.
import { writeFileSync } from 'node:fs';
import { native } from '../../lib/native';
import * as os from '../../lib/os';
import { AF_INET, SOCK_DGRAM, createServer, socket, type Socket } from '../../lib/socket';
import { BAD_FDS, NOT_FILEOBJS, codeOf } from '../helpers/bad-input';
import { Resources, expectNoFdLeaks } from '../helpers/fds';
import { bigFilesRemovedAfterEach, shaClient, type BigFile } from '../helpers/sendfile-peer';

const res = new Resources();
let big: BigFile | undefined;
afterEach(() => res.closeAll());
const bigFile = bigFilesRemovedAfterEach();
expectNoFdLeaks();

const SEEK_CUR = 1;
// The file's position (lseek(fd, 0, SEEK_CUR): the native call sendfile's fallback uses).
const position = (fd: number): number => native.lseek(fd, 0, SEEK_CUR);

async function serve(timeout: number | null, send: (conn: Socket, b: BigFile) => number): Promise<void> {
  big = bigFile(50 << 20);
  const server = res.add(createServer(['127.0.0.1', 0]));
  const client = shaClient(server.getsockname()[1]);
  const [conn] = server.accept();
  res.add(conn);
  conn.settimeout(timeout);
  expect(send(conn, big)).toBe(big.size);
  expect(position(big.fd)).toBe(big.size);
  conn.close();
  const r = await client.exited;
  expect({ out: r.stdout.trim(), stderr: r.stderr }).toEqual({ out: `${big.size} ${big.sha256}`, stderr: '' });
}

test('serves a 50 MB file to a python3 client (blocking socket), sha256 intact, file position at the end', async () => {
  await serve(null, (conn, b) => conn.sendfile(b.fd));
}, 60_000);

test('the same in timeout mode, the file given as an object with fileno()', async () => {
  await serve(30, (conn, b) => conn.sendfile({ fileno: () => b.fd }));
}, 60_000);

test('offset and count: sends that window; the file position ends after it', () => {
  big = bigFile(0);
  writeFileSync(big.path, '0123456789');
  const [a, b] = res.socketpair();
  expect(a.sendfile(big.fd, 2, 5)).toBe(5);
  expect(b.recv(10).toString()).toBe('23456');
  expect(position(big.fd)).toBe(7);
  expect(a.sendfile(big.fd, 0, 100)).toBe(10);
  expect(b.recv(20).toString()).toBe('0123456789');
  expect(a.sendfile(big.fd, 10)).toBe(0);
});

test('a pipe is not a regular file: the read + send fallback sends it from its position', () => {
  const [r, w] = res.pipe();
  os.write(w, Buffer.from('through a pipe'));
  os.close(w);
  const [a, b] = res.socketpair();
  expect(a.sendfile(r)).toBe(14);
  expect(b.recv(100).toString()).toBe('through a pipe');
  const [r2, w2] = res.pipe();
  os.write(w2, Buffer.from('abcdef'));
  expect(a.sendfile(r2, 0, 3)).toBe(3);
  expect(b.recv(100).toString()).toBe('abc');
});

test('a non-blocking socket is refused (ERR_INVALID_ARG_VALUE), as CPython\'s ValueError; so is a datagram socket', () => {
  big = bigFile(10);
  const [a] = res.socketpair();
  a.setblocking(false);
  expect(codeOf(() => a.sendfile(big!.fd))).toBe('ERR_INVALID_ARG_VALUE');
  const u = res.add(socket(AF_INET, SOCK_DGRAM));
  expect(codeOf(() => u.sendfile(big!.fd))).toBe('ERR_INVALID_ARG_VALUE');
});

test('timeout mode: a peer that reads nothing ends sendfile with a TimeoutError', () => {
  big = bigFile(8 << 20);
  const [a] = res.socketpair();
  a.settimeout(0.2);
  let err: unknown;
  try {
    a.sendfile(big.fd);
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
});

describe('bad input', () => {
  test.each([
    ...NOT_FILEOBJS.map((v) => ['file', v, 'ERR_INVALID_ARG_TYPE']),
    ...BAD_FDS.map((v) => ['file', v, 'ERR_INVALID_FD']),
    ...[null, '1', {}, 1n].map((v) => ['offset', v, 'ERR_INVALID_ARG_TYPE']),
    ...[-1, 1.5, NaN, Infinity].map((v) => ['offset', v, 'ERR_OUT_OF_RANGE']),
    ...['1', {}, 1n, true].map((v) => ['count', v, 'ERR_INVALID_ARG_TYPE']),
    ...[0, -1, 1.5, NaN, Infinity].map((v) => ['count', v, 'ERR_OUT_OF_RANGE']),
  ] as Array<[string, unknown, string]>)('%s %p → %s', (arg, v, code) => {
    big = bigFile(10);
    const [a] = res.socketpair();
    const call = arg === 'file' ? () => a.sendfile(v as number) : arg === 'offset' ? () => a.sendfile(big!.fd, v as number) : () => a.sendfile(big!.fd, 0, v as number);
    expect(codeOf(call)).toBe(code);
  });

  test('closed socket → ERR_CLOSED; a closed file fd → EBADF from the fallback read', () => {
    big = bigFile(10);
    const [a, b] = res.socketpair();
    b.close();
    expect(codeOf(() => b.sendfile(big!.fd))).toBe('ERR_CLOSED');
    const [r, w] = os.pipe();
    os.close(r);
    os.close(w);
    expect(codeOf(() => a.sendfile(r))).toBe('EBADF');
  });
});
