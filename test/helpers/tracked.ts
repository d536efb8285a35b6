// Sockets (or anything with close()) a test file opens, closed after each test, newest first, so a
// failing test never leaves an fd open for the next one.
import { socketpair, type Socket } from '../../lib/socket';

export interface Tracked {
  /** Closes `thing` after the current test; returns it. */
  track<T extends { close(): void }>(thing: T): T;
  /** Makes `s` non-blocking and tracks it. */
  nonblocking(s: Socket): Socket;
  /** A tracked non-blocking socketpair. */
  pair(): [Socket, Socket];
}

/** Registers the afterEach hook that closes what the returned `track` was given. */
export function closeAfterEach(): Tracked {
  const open: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const thing of open.splice(0).reverse()) thing.close();
  });
  function track<T extends { close(): void }>(thing: T): T {
    open.push(thing);
    return thing;
  }
  function nonblocking(s: Socket): Socket {
    s.setblocking(false);
    return track(s);
  }
  function pair(): [Socket, Socket] {
    const [a, b] = socketpair();
    return [nonblocking(a), nonblocking(b)];
  }
  return { track, nonblocking, pair };
}
