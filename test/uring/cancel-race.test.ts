// A receive cancelled while its data arrives, 10,000 times: either the receive returns the bytes,
// or it ends with -ECANCELED and the bytes are still in the socket. A child process writes the
// stream at its own pace on the other end, so data and cancellations really race; the stream read
// both ways together must be exactly what the child wrote, in order.
import { constants as osConstants } from 'node:os';
import * as os from '../../lib/os';
import { C } from '../../lib/native';
import { socketpair } from '../../lib/socket';
import { Ring } from '../../lib/uring';
import { killAll, start } from '../helpers/child';
import { whenUring } from '../helpers/platform';

afterEach(killAll);

const ECANCELED = -osConstants.errno.ECANCELED;
const ROUNDS = 10000;
const MESSAGES = 20000;

// The child writes MESSAGES 8-byte records [i, ~i] to fd 3, pausing up to 200 µs at random (about
// as long in all as the rounds take, so most rounds race live data).
const WRITER = `
const fs = require('node:fs');
const msg = Buffer.alloc(8);
for (let i = 0; i < ${MESSAGES}; i++) {
  msg.writeUInt32LE(i, 0);
  msg.writeUInt32LE(~i >>> 0, 4);
  fs.writeSync(3, msg);
  const until = process.hrtime.bigint() + BigInt(Math.floor(Math.random() * 200000));
  while (process.hrtime.bigint() < until);
}`;

function expected(): Buffer {
  const all = Buffer.alloc(8 * MESSAGES);
  for (let i = 0; i < MESSAGES; i++) {
    all.writeUInt32LE(i, 8 * i);
    all.writeUInt32LE(~i >>> 0, 8 * i + 4);
  }
  return all;
}

whenUring.test(`recv racing its cancel ${ROUNDS} times against a writer process: bytes returned or left in the socket, never lost`, async () => {
  const ring = new Ring(8);
  const [a, b] = socketpair();
  os.setBlocking(a.fileno(), false);
  const child = start(process.execPath, ['-e', WRITER], { stdio: ['ignore', 'ignore', 'inherit', b.fileno()] });
  const exited = child.exited;
  b.close(); // the child holds the only writer: EOF when it exits
  const outcomes = { received: 0, cancelled: 0 };
  const stream: Buffer[] = [];
  const drain = (): boolean => {
    for (;;) {
      try {
        const data = a.recv(4096);
        if (data.length === 0) return true; // EOF
        stream.push(data);
      } catch (err) {
        if ((err as { code?: string }).code === 'EAGAIN') return false;
        throw err;
      }
    }
  };
  try {
    // Start racing once the writer runs.
    ring.prepPollAdd(a, C.POLLIN, 3);
    expect(ring.wait(1, 60)).toEqual([[3, C.POLLIN, 0]]);
    for (let i = 0; i < ROUNDS; i++) {
      const buf = Buffer.alloc(8);
      ring.prepRecv(a, buf, 1);
      ring.submit();
      ring.prepCancel(1, 2);
      let recvRes: number | undefined;
      while (recvRes === undefined || ring.pending > 0) {
        for (const [tag, res] of ring.wait(1, 5)) if (tag === 1) recvRes = res;
      }
      if (recvRes! > 0) {
        outcomes.received++;
        stream.push(buf.subarray(0, recvRes));
      } else if (recvRes === ECANCELED) {
        outcomes.cancelled++;
      } else {
        expect(recvRes).toBe(0); // EOF: the writer finished early
      }
      if (i % 2) drain(); // every other round, leave the bytes for the next receive
    }
    while (!drain()) await new Promise((resolve) => setTimeout(resolve, 5));
    await exited;
    expect(Buffer.concat(stream).equals(expected())).toBe(true);
    // Both outcomes happen (the race is real), though their mix depends on the machine.
    expect(outcomes.received).toBeGreaterThan(0);
    expect(outcomes.cancelled).toBeGreaterThan(0);
  } finally {
    child.process.kill();
    ring.close();
    a.close();
  }
}, 120000);
