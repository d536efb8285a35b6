// Fd reuse in tests: a socket made to have a given fd number (the number a test just closed), and
// a socket made readable whose open file a dup keeps alive after its fd is closed.
import * as os from '../../lib/os';
import type { EventLoop } from '../../lib/loop';
import type { Socket } from '../../lib/socket';
import type { Resources } from '../helpers/fds';

/**
 * A connected AF_UNIX pair whose first socket has fd `fd` (closed just before): pairs are opened,
 * and kept until then, until the kernel's lowest-free-fd rule hands out `fd`. Both ends, and the
 * pairs opened meanwhile, are closed at closeAll.
 */
export function pairAt(res: Resources, fd: number): [Socket, Socket] {
  for (let i = 0; i < 64; i++) {
    const [a, b] = res.socketpair();
    if (a.fileno() === fd) return [a, b];
    if (b.fileno() === fd) return [b, a];
  }
  throw new Error(`fd ${fd} was not handed out again`);
}

/** A pair [sock, peer] with bytes waiting in `sock` (readable), both closed at closeAll. */
export function readablePair(res: Resources): [Socket, Socket] {
  const [sock, peer] = res.socketpair();
  sock.setblocking(false);
  peer.send(Buffer.from('old'));
  return [sock, peer];
}

/** A dup of `sock`'s fd (closed at closeAll): the open file outlives `sock.close()`. */
export function keepOpenFile(res: Resources, sock: Socket): number {
  return res.fd(os.dup(sock.fileno()));
}

/** A readable socket (readablePair's); with `dup`, a dup keeps its open file alive after close. */
export function readableOld(res: Resources, dup: boolean): Socket {
  const [old] = readablePair(res);
  if (dup) keepOpenFile(res, old);
  return old;
}

/** Closes `old` and returns a pair whose first socket has taken `old`'s fd number (pairAt). */
export function reuseFdOf(res: Resources, old: Socket): [Socket, Socket] {
  const fd = old.fileno();
  old.close();
  return pairAt(res, fd);
}

/**
 * Runs `loop` with a reader on `sock` until it fires once, `peer` sending "new" 50 ms in: what the
 * reader got, as [fileobj, mask, bytes] (the old registration must add nothing to it).
 */
export async function newReaderGets(loop: EventLoop, sock: Socket, peer: Socket): Promise<Array<[Socket, number, string]>> {
  const got: Array<[Socket, number, string]> = [];
  loop.addReader(sock, (f, mask) => {
    got.push([f as Socket, mask, sock.recv(10).toString()]);
    loop.stop();
  });
  loop.callLater(0.05, () => peer.send(Buffer.from('new')));
  await loop.run();
  return got;
}
