// asyncio's loop.sock_sendfile for both loops: sendfile(2) on a non-blocking stream socket, one
// call per writability (selector_events' _sock_sendfile_native_impl), and where sendfile(2)
// cannot serve the file — not a regular file, or refused before any byte was sent — the read +
// sock_sendall fallback (base_events' _sock_sendfile_fallback) unless `fallback` is false. How a
// loop waits for writability is its own: EventLoop a writer on its selector, ProactorEventLoop a
// POLL_ADD on its ring; both run SendfileProgress.step on readiness.
import { constants as osConstants } from 'node:os';
import { check, invalidArgType, invalidArgValue, sendfileNotAvailable, systemError } from '../errors';
import { pollOne } from '../kernel/pollfds';
import { C, native } from '../native';
import { seekTo, validateFileRange } from '../os/sendfile';
import { SOCK_STREAM } from '../socket/constants';
import type { Socket } from '../socket/socket';
import { validateFlag, type FileLike } from '../validate';
import { validateOpenSocket, validateOptions, type SockOptions } from './sock-ops';

const EAGAIN = -osConstants.errno.EAGAIN;
const EINTR = -osConstants.errno.EINTR;
const SEEK_SET = 0;
// One sendfile(2) moves at most this much (CPython: sys.maxsize // 2 + 1 on 32-bit; Linux itself
// stops at 0x7ffff000).
const SENDFILE_MAX = 2 ** 30;
// asyncio's SENDFILE_FALLBACK_READBUFFER_SIZE.
const FALLBACK_BLOCK = 256 * 1024;

/** Options of `loop.sockSendfile`: asyncio's `fallback`, and `signal` as every sock* operation. */
export interface SendfileOptions extends SockOptions {
  /** Fall back to read + send where sendfile(2) cannot serve the file (default true); false rejects with `ERR_NOT_SUPPORTED`. */
  fallback?: boolean;
}

/** One sock_sendfile's state: where in the file, how much is sent. @internal */
export class SendfileProgress {
  total = 0;

  constructor(
    readonly fd: number,
    public offset: number,
    /** Bytes to send; 0: to the end of the file. */
    readonly count: number,
    readonly block: number,
  ) {}

  /**
   * One sendfile(2) to `sockFd`: the total once done (the count reached, or end of file), or
   * `null`: wait for writability, then step again. A refusal before any byte went is `sendfileNotAvailable` (the fallback may
   * take over); a later one is the OS error.
   */
  step(sockFd: number): number | null {
    const want = this.count ? this.count - this.total : this.block;
    if (want <= 0) return this.total;
    const r = native.sendfile(sockFd, this.fd, this.offset, Math.min(want, SENDFILE_MAX));
    if (r === EAGAIN || r === EINTR) return null;
    if (r < 0) {
      const err = systemError(r, 'sendfile');
      if (this.total === 0) throw sendfileNotAvailable('os.sendfile call failed', err);
      throw err;
    }
    if (r === 0) return this.total; // end of file
    this.offset += r;
    this.total += r;
    return this.count && this.total >= this.count ? this.total : null;
  }
}

/** What sockSendfile needs of a loop. @internal */
export interface SendfileLoop {
  /** Runs `progress.step` now and on each writability until it settles (the loop's own queueing, abort and close apply). */
  sendfileSteps(sock: Socket, progress: SendfileProgress, options?: SockOptions): Promise<number>;
  sockSendall(sock: Socket, data: ArrayBufferView, options?: SockOptions): Promise<void>;
  addReader(fd: number, cb: () => void): void;
  removeReader(fd: number): boolean;
}

// One read of the fallback. A pipe (blocking or not) with nothing in it yet is waited for with a
// reader on the loop, so the read never blocks the thread (asyncio reads on an executor thread).
async function readSome(loop: SendfileLoop, fd: number, buf: Buffer, want: number): Promise<number> {
  for (;;) {
    if (pollOne(fd, C.POLLIN, 0) !== 0) {
      const r = native.read(fd, buf, 0, want);
      if (r !== EAGAIN) return check(r, 'read');
    }
    await new Promise<void>((resolve) => {
      loop.addReader(fd, () => {
        loop.removeReader(fd);
        resolve();
      });
    });
  }
}

// base_events' _sock_sendfile_fallback: read from the file's position (moved to `offset` unless 0), sock_sendall each block.
async function viaSend(loop: SendfileLoop, sock: Socket, fd: number, offset: number, count: number, signal: AbortSignal | undefined): Promise<number> {
  if (offset) check(native.lseek(fd, offset, SEEK_SET), 'lseek');
  const buf = Buffer.allocUnsafe(count ? Math.min(count, FALLBACK_BLOCK) : FALLBACK_BLOCK);
  let total = 0;
  try {
    for (;;) {
      const want = count ? Math.min(count - total, buf.length) : buf.length;
      if (want <= 0) break;
      const got = await readSome(loop, fd, buf, want);
      if (got === 0) break;
      await loop.sockSendall(sock, buf.subarray(0, got), { signal });
      total += got;
    }
    return total;
  } finally {
    if (total > 0) seekTo(fd, offset + total);
  }
}

/**
 * asyncio's `loop.sock_sendfile(sock, file, offset=0, count=None, *, fallback=True)` for `loop`:
 * resolves to the bytes sent. @internal
 */
export async function sockSendfile(
  loop: SendfileLoop, sock: Socket, file: FileLike, offset?: number, count?: number | null, options?: SendfileOptions,
): Promise<number> {
  const s = validateOpenSocket(sock);
  if (s.gettimeout() !== 0) throw invalidArgValue('sock', s, 'must be non-blocking (setblocking(false))');
  if (s.type !== SOCK_STREAM) throw invalidArgValue('sock', s, 'must be a SOCK_STREAM socket (only stream sockets are supported)');
  const [fd, off, n] = validateFileRange(file, offset, count);
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw invalidArgType('options', 'an object', options);
  const fallback = options?.fallback === undefined ? true : validateFlag(options.fallback, 'options.fallback');
  const signal = validateOptions(options === undefined ? undefined : { signal: options.signal });

  let unavailable: Error;
  const size = native.regularFileSize(fd);
  if (size < 0) {
    unavailable = sendfileNotAvailable('not a regular file', systemError(size, 'fstat'));
  } else {
    const block = n || size;
    if (!block) return 0; // an empty file
    const progress = new SendfileProgress(fd, off, n, block);
    try {
      return await loop.sendfileSteps(s, progress, { signal });
    } catch (err) {
      if ((err as { name?: unknown }).name !== 'SendfileNotAvailableError') throw err;
      unavailable = err as Error;
    } finally {
      if (progress.total > 0) seekTo(fd, progress.offset);
    }
  }
  if (!fallback) throw unavailable;
  return viaSend(loop, s, fd, off, n, signal);
}
