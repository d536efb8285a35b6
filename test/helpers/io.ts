// Real endpoints for I/O tests, each closed by the test that made it: pipes, socketpairs and
// loopback TCP pairs; filling a send buffer; a pipe another process writes to later.
import { close as osClose, pipe, write } from '../../lib/os';
import { createConnection, createServer, socketpair, Socket } from '../../lib/socket';
import { start } from './child';

/** Runs `fn` with a pipe, closing both ends after (ends already closed by `fn` are skipped). */
export function withPipe<R>(fn: (r: number, w: number, closed: Set<number>) => R): R {
  const [r, w] = pipe();
  const closed = new Set<number>();
  try {
    return fn(r, w, closed);
  } finally {
    for (const fd of [r, w]) if (!closed.has(fd)) osClose(fd);
  }
}

/** Runs `fn` with a connected AF_UNIX stream socketpair, closed after. */
export function withPair<R>(fn: (a: Socket, b: Socket) => R): R {
  const [a, b] = socketpair();
  try {
    return fn(a, b);
  } finally {
    a.close();
    b.close();
  }
}

/** Runs `fn` with a connected loopback TCP pair [client, accepted], closed after (listener too). */
export function withTcp<R>(fn: (client: Socket, server: Socket) => R): R {
  const listener = createServer(['127.0.0.1', 0]);
  const client = createConnection(listener.getsockname() as [string, number]);
  const [accepted] = listener.accept();
  try {
    return fn(client, accepted);
  } finally {
    client.close();
    accepted.close();
    listener.close();
  }
}

/** Fills a socket's send buffer (made non-blocking) until it would block. */
export function fill(s: Socket): void {
  s.setBlocking(false);
  const chunk = Buffer.alloc(65536);
  while (s.trySend(chunk) !== null);
}

/** Fills a pipe's write end until it would block (uses O_NONBLOCK on it). */
export function fillPipe(w: number, setBlocking: (fd: number, b: boolean) => void): void {
  setBlocking(w, false);
  const chunk = Buffer.alloc(65536);
  for (;;) {
    try {
      write(w, chunk);
    } catch (err) {
      if ((err as { code?: string }).code === 'EAGAIN') return;
      throw err;
    }
  }
}

/** Has another process write one byte to `fd` (a pipe's write end, a socket) after `delayMs`, so that a blocking wait in this thread ends. */
export function writeLater(fd: number, delayMs: number): void {
  start('sh', ['-c', `sleep ${delayMs / 1000}; printf x`], { stdio: ['ignore', fd, 'ignore'] }).process.unref();
}

/**
 * A pipe whose write end is held only by a child that writes one byte after `delayMs`.
 * Returns the read end; the caller closes it.
 */
export function delayedWriter(delayMs: number): number {
  const [r, w] = pipe();
  writeLater(w, delayMs);
  osClose(w);
  return r;
}
