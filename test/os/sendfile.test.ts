// os.sendfile (Python's): one sendfile(2) per call, offset null → the file's position (which
// advances), a number → the position left alone; a 50 MB file to a python3 client, sha256 checked;
// bad input for every argument.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as os from '../../lib/os';
import { createServer } from '../../lib/socket';
import { BAD_FDS, NOT_NUMBERS, codeOf } from '../helpers/bad-input';
import { Resources, closedFd, expectNoFdLeaks } from '../helpers/fds';
import { linuxOnly } from '../helpers/platform';
import { bigFilesRemovedAfterEach, shaClient, type BigFile } from '../helpers/sendfile-peer';

const res = new Resources();
let big: BigFile | undefined;
afterEach(() => res.closeAll());
const bigFile = bigFilesRemovedAfterEach();
expectNoFdLeaks();

function smallFile(bytes: string): number {
  big = bigFile(0);
  writeFileSync(big.path, bytes);
  return big.fd;
}

test('serves a 50 MB file to a python3 client: os.sendfile in a loop on a blocking socket, sha256 intact', async () => {
  big = bigFile(50 << 20);
  const server = res.add(createServer(['127.0.0.1', 0]));
  const client = shaClient(server.getsockname()[1]);
  const [conn] = server.accept();
  res.add(conn);
  let offset = 0;
  while (offset < big.size) offset += os.sendfile(conn.fileno(), big.fd, offset, big.size - offset);
  expect(os.sendfile(conn.fileno(), big.fd, offset, 1)).toBe(0); // end of file
  conn.close();
  const r = await client.exited;
  expect({ out: r.stdout.trim(), stderr: r.stderr }).toEqual({ out: `${big.size} ${big.sha256}`, stderr: '' });
}, 60_000);

linuxOnly.test('offset null reads from the file position and moves it; a number leaves it alone (to a pipe: Linux only)', () => {
  const fd = smallFile('0123456789');
  const [r, w] = res.pipe();
  expect(os.sendfile(w, fd, 2, 3)).toBe(3);
  expect(os.read(r, 10).toString()).toBe('234');
  expect(os.sendfile(w, fd, null, 4)).toBe(4);
  expect(os.read(r, 10).toString()).toBe('0123');
  expect(os.sendfile(w, fd, null, 100)).toBe(6);
  expect(os.read(r, 10).toString()).toBe('456789');
  expect(os.sendfile(w, fd, null, 1)).toBe(0);
});

test('OS errors: a full non-blocking out fd is EAGAIN; an offset on a pipe in fd is ESPIPE; a closed fd EBADF', () => {
  const fd = smallFile('x'.repeat(1 << 16));
  const [r, w] = res.pipe();
  os.setBlocking(w, false);
  if (process.platform === 'linux') {
    expect(() => {
      for (;;) os.sendfile(w, fd, 0, 1 << 16);
    }).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'sendfile' }));
  }
  expect(codeOf(() => os.sendfile(w, r, 0, 1))).toMatch(/^(ESPIPE|EINVAL|EAGAIN)$/);
  expect(codeOf(() => os.sendfile(closedFd(), fd, 0, 1))).toBe('EBADF');
});

describe('bad input', () => {
  const fd = () => openSync(path.join(__dirname, 'sendfile.test.ts'), 'r');
  test.each([
    ...BAD_FDS.map((v) => [`outFd ${String(v)}`, (f: number) => os.sendfile(v, f, 0, 1), 'ERR_INVALID_FD']),
    ...NOT_NUMBERS.map((v) => [`outFd ${String(v)}`, (f: number) => os.sendfile(v as number, f, 0, 1), 'ERR_INVALID_ARG_TYPE']),
    ...BAD_FDS.map((v) => [`inFd ${String(v)}`, (f: number) => os.sendfile(f, v, 0, 1), 'ERR_INVALID_FD']),
    ...NOT_NUMBERS.map((v) => [`inFd ${String(v)}`, (f: number) => os.sendfile(f, v as number, 0, 1), 'ERR_INVALID_ARG_TYPE']),
    ...NOT_NUMBERS.filter((v) => v !== null).map((v) => [`offset ${String(v)}`, (f: number) => os.sendfile(f, f, v as number, 1), 'ERR_INVALID_ARG_TYPE']),
    ...[-1, 1.5, NaN, Infinity, 2 ** 53].map((v) => [`offset ${v}`, (f: number) => os.sendfile(f, f, v, 1), 'ERR_OUT_OF_RANGE']),
    ...NOT_NUMBERS.map((v) => [`count ${String(v)}`, (f: number) => os.sendfile(f, f, 0, v as number), 'ERR_INVALID_ARG_TYPE']),
    ...[-1, 1.5, NaN, Infinity, 2 ** 53].map((v) => [`count ${v}`, (f: number) => os.sendfile(f, f, 0, v), 'ERR_OUT_OF_RANGE']),
  ] as Array<[string, (f: number) => unknown, string]>)('%s → %s', (_name, call, code) => {
    const f = fd();
    try {
      expect(codeOf(() => call(f))).toBe(code);
    } finally {
      closeSync(f);
    }
  });
});
