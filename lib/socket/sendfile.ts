// Python's socket.sendfile: sendfile(2) for a blocking or timeout-mode stream socket, falling back
// to read + send where sendfile(2) cannot serve the file (not a regular file, or sendfile refused
// before any byte was sent), as CPython's _sendfile_use_sendfile / _sendfile_use_send.
import { constants as osConstants } from 'node:os';
import { check, invalidArgValue, systemError, timeoutError } from '../errors';
import { pollOne } from '../kernel/pollfds';
import { C, native } from '../native';
import { seekTo, validateFileRange } from '../os/sendfile';
import { SOCK_STREAM } from './constants';

const EAGAIN = -osConstants.errno.EAGAIN;
const SEEK_SET = 0;
// CPython truncates each sendfile(2) to 1 GiB (bpo-38319) and reads 8 KiB per fallback send.
const SENDFILE_BLOCK = 2 ** 30;
const FALLBACK_BLOCK = 8192;

/** What sendfile needs of the Socket (kept apart so this file does not import socket.ts). */
export interface SendfileSocket {
  readonly type: number;
  fileno(): number;
  gettimeout(): number | null;
  send(data: ArrayBufferView): number;
}

/** Checked arguments of Socket.sendfile: [file fd, offset, count (0: to the end)]. */
function checkArgs(sock: SendfileSocket, file: unknown, offset: unknown, count: unknown): [number, number, number] {
  if (sock.type !== SOCK_STREAM) throw invalidArgValue('sock', sock.type, 'must be a SOCK_STREAM socket (only stream sockets are supported)');
  return validateFileRange(file, offset, count);
}

/** sendfile(2) in a loop; `null` when sendfile cannot serve this file (give up: use send). */
function useSendfile(sockFd: number, fd: number, offset: number, count: number, timeout: number | null): number | null {
  const size = native.regularFileSize(fd);
  if (size < 0) return null;
  if (size === 0) return 0;
  const block = Math.min(count || size, SENDFILE_BLOCK);
  let total = 0;
  try {
    for (;;) {
      // Python waits for writability before each sendfile in timeout mode, each with the whole timeout.
      if (timeout !== null && pollOne(sockFd, C.POLLOUT, Math.ceil(timeout * 1000)) === 0) throw timeoutError('sendfile');
      const want = count ? Math.min(count - total, block) : block;
      if (want <= 0) break;
      const sent = native.sendfile(sockFd, fd, offset, want);
      if (sent === EAGAIN) {
        if (timeout === null) pollOne(sockFd, C.POLLOUT, -1);
        continue;
      }
      if (sent < 0) {
        if (total === 0) return null; // e.g. a file sendfile(2) cannot read: plain send instead
        throw systemError(sent, 'sendfile');
      }
      if (sent === 0) break; // end of file
      offset += sent;
      total += sent;
    }
    return total;
  } finally {
    if (total > 0) seekTo(fd, offset);
  }
}

// read + send from the file's position (moved to `offset` first unless it is 0, as CPython).
function useSend(sock: SendfileSocket, fd: number, offset: number, count: number): number {
  if (offset) check(native.lseek(fd, offset, SEEK_SET), 'lseek');
  const buf = Buffer.allocUnsafe(count ? Math.min(count, FALLBACK_BLOCK) : FALLBACK_BLOCK);
  let total = 0;
  try {
    for (;;) {
      const want = count ? Math.min(count - total, buf.length) : buf.length;
      if (want <= 0) break;
      const got = check(native.read(fd, buf, 0, want), 'read');
      if (got === 0) break;
      let at = 0;
      while (at < got) at += sock.send(buf.subarray(at, got));
      total += got;
    }
    return total;
  } finally {
    if (total > 0) seekTo(fd, offset + total);
  }
}

/**
 * Socket.sendfile's body: `file` an fd or an object with `fileno()`, `offset` (default 0) and
 * `count` (default: to the end of the file). Returns the bytes sent. @internal
 */
export function sendfileOf(sock: SendfileSocket, file: unknown, offset: unknown, count: unknown): number {
  const [fd, off, n] = checkArgs(sock, file, offset, count);
  const timeout = sock.gettimeout();
  if (timeout === 0) throw invalidArgValue('sock', 'non-blocking', 'must be blocking or in timeout mode: non-blocking sockets are not supported');
  return useSendfile(sock.fileno(), fd, off, n, timeout) ?? useSend(sock, fd, off, n);
}

