// The native layer's own safety net (wrong types throw, never crash) and its fd ownership: a
// terminated worker's sockets are closed.
import { fstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { expectNoFdLeaks } from '../helpers/fds';
import { native } from '../../lib/native';
import { AF_INET, AF_UNIX, SOCK_STREAM } from '../../lib/socket';

expectNoFdLeaks();

test('native socket calls given wrong types throw ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE, never crash', () => {
  const n = native as unknown as Record<string, (...args: unknown[]) => unknown>;
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return (err as { code?: string }).code;
    }
    return 'returned';
  };
  expect(code(() => n.socket('2', 1, 0))).toBe('ERR_INVALID_ARG_TYPE');
  expect(code(() => n.socketpair(AF_UNIX, SOCK_STREAM, 0, [0, 0]))).toBe('ERR_INVALID_ARG_TYPE');
  expect(code(() => n.socketpair(AF_UNIX, SOCK_STREAM, 0, new Int32Array(1)))).toBe('ERR_OUT_OF_RANGE');
  expect(code(() => n.recv(0, 'abc', 0, 1, 0))).toBe('ERR_INVALID_ARG_TYPE');
  expect(code(() => n.recv(0, Buffer.alloc(4), 2, 3, 0))).toBe('ERR_OUT_OF_RANGE');
  expect(code(() => n.recv(0, Buffer.alloc(4), -1, 1, 0))).toBe('ERR_OUT_OF_RANGE');
  expect(code(() => n.send(0, Buffer.alloc(4), 0, NaN, 0))).toBe('ERR_OUT_OF_RANGE');
  expect(code(() => n.sendto(0, Buffer.alloc(4), 0, 4, 0, AF_INET, 3, 1, 0, 0))).toBe('ERR_INVALID_ARG_TYPE');
  expect(code(() => n.bind(0, AF_INET, null, 1, 0, 0))).toBe('ERR_INVALID_ARG_TYPE');
  expect(code(() => n.getsockoptInt(0, 1, 1, new Int32Array(0)))).toBe('ERR_OUT_OF_RANGE');
  expect(code(() => n.setsockoptBytes(0, 1, 1, {}))).toBe('ERR_INVALID_ARG_TYPE');
  expect(code(() => n.accept())).toBe('ERR_INVALID_ARG_TYPE');
  // OS errors are numbers, not throws: a bad host, a bad family, a closed fd.
  expect(n.bind(-1, AF_INET, 'not-an-ip', 1, 0, 0)).toBe(-22);
  expect(n.connect(-1, 12345, '', 0, 0, 0)).toBeLessThan(0);
  expect(n.recv(-1, Buffer.alloc(1), 0, 1, 0)).toBeLessThan(0);
  expect(n.accept(-1)).toBeLessThan(0);
  expect(n.getsockname(-1)).toBeLessThan(0);
});

test('sockets a worker opened and never closed are closed when it is terminated', async () => {
  const addonRoot = join(__dirname, '..', '..');
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const n = ${process.env.IOMUX_ADDON ? `require(${JSON.stringify(resolve(process.env.IOMUX_ADDON))})` : `require(${JSON.stringify(require.resolve('node-gyp-build'))})(${JSON.stringify(addonRoot)})`};
     const out = new Int32Array(2);
     n.socketpair(n.constants.AF_UNIX, n.constants.SOCK_STREAM, 0, out);
     const fds = [n.socket(n.constants.AF_INET, n.constants.SOCK_STREAM, 0), out[0], out[1]];
     parentPort.postMessage(fds);
     setInterval(() => {}, 1000);`,
    { eval: true },
  );
  const fds = await new Promise<number[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const inodes = fds.map((fd) => fstatSync(fd).ino);
  await worker.terminate();
  const stillOpen = fds.filter((fd, i) => {
    try {
      return fstatSync(fd).ino === inodes[i];
    } catch {
      return false;
    }
  });
  expect(stillOpen).toEqual([]);
});
