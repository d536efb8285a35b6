// The fifth I/O model: asynchronous I/O, with Linux io_uring. The program does not wait for each
// write or read: it queues them all (no syscall yet), hands the whole batch to the kernel with one
// io_uring_enter, and later collects one completion per operation. Each completion carries the
// tag the program chose, so it knows which operation finished, and the result the syscall would
// have returned (a byte count, or a negative errno).
//
//   node -r ./scripts/register-ts.js examples/uring-file.ts [path]
//
// Writes 64 KiB to a file as 16 writes at their offsets in one batch, reads it back as 16 reads in
// another, and checks that the bytes match.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uring } from '../lib/index';

const CHUNK = 4096;
const CHUNKS = 16;

if (!uring.Ring.available) {
  console.error(`io_uring is unavailable here: ${uring.Ring.unavailableReason}`);
  process.exit(1);
}

const file = process.argv[2] ?? path.join(tmpdir(), `iomux-uring-file-${process.pid}`);
const fd = openSync(file, 'w+');
const data = randomBytes(CHUNK * CHUNKS);
const ring = new uring.Ring(CHUNKS);

// 1. Queue every write: nothing reaches the kernel yet. Tag i is chunk i.
for (let i = 0; i < CHUNKS; i++) ring.prepWrite(fd, data.subarray(i * CHUNK, (i + 1) * CHUNK), i * CHUNK, i);
// 2. One syscall submits them all; wait until all 16 have completed (they may finish in any order).
console.log(`submitted ${ring.submit()} writes in one io_uring_enter`);
let written = 0;
for (const [tag, res] of ring.wait(CHUNKS)) {
  if (res < 0) throw new Error(`write ${tag} failed: errno ${-res}`);
  written += res;
}
console.log(`wrote ${written} bytes`);

// 3. The same for the reads. Each read lands in its own buffer, filled when its completion is
//    collected; the ring holds the buffer until then.
const chunks = Array.from({ length: CHUNKS }, () => Buffer.alloc(CHUNK));
chunks.forEach((buf, i) => ring.prepRead(fd, buf, i * CHUNK, i));
console.log(`submitted ${ring.submit()} reads in one io_uring_enter`);
let read = 0;
for (const [tag, res] of ring.wait(CHUNKS)) {
  if (res !== CHUNK) throw new Error(`read ${tag} returned ${res}`);
  read += res;
}
console.log(`read back ${read} bytes`);
console.log(`match: ${Buffer.concat(chunks).equals(data)}`);

ring.close();
closeSync(fd);
if (process.argv[2] === undefined) rmSync(file);
