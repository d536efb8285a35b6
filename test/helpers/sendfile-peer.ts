// What the sendfile tests share: a big file of random bytes in a temp dir (with its sha256), removed
// after each test, and a python3 client that connects, reads to end of stream and prints the length
// and sha256 it got.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { start, type Child } from './child';

/** A file of `size` random bytes, open for reading as `fd`; `remove()` closes and deletes it. */
export interface BigFile {
  path: string;
  fd: number;
  size: number;
  sha256: string;
  remove(): void;
}

/** Writes `size` random bytes (1 MiB at a time) to a new file in a temp dir and opens it for reading. */
export function bigFile(size: number): BigFile {
  const dir = mkdtempSync(path.join(tmpdir(), 'iomux-sendfile-'));
  const file = path.join(dir, 'big.bin');
  const hash = createHash('sha256');
  const w = openSync(file, 'w');
  try {
    for (let left = size; left > 0; ) {
      const chunk = randomBytes(Math.min(left, 1 << 20));
      hash.update(chunk);
      writeSync(w, chunk);
      left -= chunk.length;
    }
  } finally {
    closeSync(w);
  }
  const fd = openSync(file, 'r');
  return {
    path: file, fd, size, sha256: hash.digest('hex'),
    remove: () => {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A bigFile whose files are removed after each test, whatever happened (it registers the afterEach
 * hook): a test file calls it once, as `const bigFile = bigFilesRemovedAfterEach()`.
 */
export function bigFilesRemovedAfterEach(): (size: number) => BigFile {
  const made: BigFile[] = [];
  afterEach(() => {
    for (const file of made.splice(0)) file.remove();
  });
  return (size) => {
    const file = bigFile(size);
    made.push(file);
    return file;
  };
}

const CLIENT = `
import hashlib, socket, sys
c = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
h, n = hashlib.sha256(), 0
while True:
    b = c.recv(1 << 20)
    if not b:
        break
    h.update(b)
    n += len(b)
print(n, h.hexdigest())
`;

/** A python3 child that connects to 127.0.0.1:`port`, reads to end of stream and prints "<length> <sha256>". */
export function shaClient(port: number): Child {
  return start('python3', ['-c', CLIENT, String(port)]);
}
