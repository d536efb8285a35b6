// asyncio's _SelectorSocketTransport: the bytes of a stream transport moved by readiness. A read
// is one recv per readable event; a write is sent at once when nothing is buffered (the fast
// path: one send, no readiness wait), and only what the kernel did not take is copied and
// flushed on writability.
import { constants as osConstants } from 'node:os';
import { systemError } from '../errors';
import { native } from '../native';
import type { FileLike } from '../selectors/base';
import type { Socket } from '../socket/socket';
import type { ProtocolLike } from './protocols';
import { Transport, type LoopCalls, type TransportOwner } from './transport';

// asyncio's max_size: the most one recv asks for (bytes).
const MAX_READ = 256 * 1024;
const EAGAIN = -osConstants.errno.EAGAIN;
const EWOULDBLOCK = -osConstants.errno.EWOULDBLOCK;
const EINTR = -osConstants.errno.EINTR;

// The hot path calls recv(2)/send(2) on the fd directly: the arguments are the transport's own,
// checked once (DESIGN.md: no validation on the hot path). Bytes, null for would-block, or throws.
function recvInto(fd: number, buf: ArrayBufferView, len: number): number | null {
  const r = native.recv(fd, buf, 0, len, 0);
  if (r >= 0) return r;
  if (r === EAGAIN || r === EWOULDBLOCK || r === EINTR) return null;
  throw systemError(r, 'recv');
}

function send(fd: number, buf: ArrayBufferView, off: number, len: number): number | null {
  const r = native.send(fd, buf, off, len, 0);
  if (r >= 0) return r;
  if (r === EAGAIN || r === EWOULDBLOCK || r === EINTR) return null;
  throw systemError(r, 'send');
}

// One scratch read buffer per thread: a read is copied out of it at its exact size before the
// protocol sees it, so a small read does not pin a large buffer.
let scratch: Buffer | undefined;

/** What a readiness loop gives its transports: readers and writers on a socket. @internal */
export interface ReadinessLoop extends LoopCalls {
  addReader(fileobj: FileLike, cb: () => void): void;
  removeReader(fileobj: FileLike): boolean;
  addWriter(fileobj: FileLike, cb: () => void): void;
  removeWriter(fileobj: FileLike): boolean;
}

function copyOf(view: ArrayBufferView, offset = 0): Buffer {
  const src = Buffer.from(view.buffer, view.byteOffset + offset, view.byteLength - offset);
  return Buffer.from(src);
}

/** Reads the address the socket has, or null when the OS gives none (asyncio leaves the key unset). */
function addressOr(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return null;
  }
}

/** The addresses and socket a transport reports through `getExtraInfo`. @internal */
export function socketExtra(sock: Socket, peername?: unknown): Record<string, unknown> {
  return {
    socket: sock,
    sockname: addressOr(() => sock.getsockname()),
    peername: peername ?? addressOr(() => sock.getpeername()),
  };
}

/**
 * A stream transport on a readiness loop (asyncio's `_SelectorSocketTransport`). Made by the
 * loop's `createServer` / `createConnection` / `connectAcceptedSocket`.
 */
export class SelectorSocketTransport extends Transport {
  readonly #loop: ReadinessLoop;
  readonly #sockRef: Socket;
  // Unsent bytes: copies, oldest first; the first is sent from #headOffset on.
  #buffer: Buffer[] = [];
  #headOffset = 0;
  #bufferSize = 0;
  #readerOn = false;

  /** @internal */
  constructor(loop: ReadinessLoop, sock: Socket, protocol: ProtocolLike, extra: Record<string, unknown>, owner?: TransportOwner, onMade?: () => void) {
    super(loop, sock, protocol, extra, owner, onMade);
    this.#loop = loop;
    this.#sockRef = sock;
  }

  /** @internal */
  protected startReading(): void {
    if (!this.isReading() || this.#readerOn) return;
    this.#readerOn = true;
    this.#loop.addReader(this.#sockRef, this.#readReady);
  }

  /** @internal */
  protected stopReading(): void {
    if (!this.#readerOn) return;
    this.#readerOn = false;
    if (!this.#loop.isClosed()) this.#loop.removeReader(this.#sockRef);
  }

  #unwatchWrites(): void {
    if (!this.#loop.isClosed() && this.sock !== null) this.#loop.removeWriter(this.#sockRef);
  }

  /** @internal */
  protected stopWriting(): void {
    this.#clearBuffer();
    this.#unwatchWrites();
  }

  #readReady = (): void => {
    if (this.connLost) return;
    if (this.buffered) this.#readIntoProtocolBuffer();
    else this.#readData();
  };

  #readData(): void {
    const buf = (scratch ??= Buffer.allocUnsafe(MAX_READ));
    const got = this.#receive(buf, MAX_READ);
    if (got === null) return;
    const data = Buffer.allocUnsafe(got);
    buf.copy(data, 0, 0, got);
    this.deliverData(data);
  }

  #readIntoProtocolBuffer(): void {
    const buf = this.protocolBuffer();
    if (buf === undefined) return;
    const got = this.#receive(buf, buf.byteLength);
    if (got === null) return;
    this.bufferUpdated(got);
  }

  // Receives up to len bytes into buf: the count to hand to the protocol, or null when there is
  // none (nothing to read yet, end of stream handled by onEof, or a read error made fatal).
  #receive(buf: ArrayBufferView, len: number): number | null {
    let got: number | null;
    try {
      got = recvInto(this.fd, buf, len);
    } catch (err) {
      this.fatalError(err, 'Fatal read error on socket transport');
      return null;
    }
    if (got === 0) {
      this.onEof();
      return null;
    }
    return got;
  }

  /**
   * Writes `data`: sent at once when nothing is waiting, else (and for what the kernel did not
   * take) copied into the write buffer and flushed when the socket is writable. After the
   * connection was lost, writes are dropped (as asyncio).
   * @throws `ERR_INVALID_ARG_TYPE` (not a Buffer/TypedArray/DataView), `ERR_CLOSED` after `writeEof()`
   */
  write(data: ArrayBufferView): void {
    if (!this.acceptWrite(data)) return;
    let offset = 0;
    if (this.#bufferSize === 0) {
      let sent: number | null;
      try {
        sent = send(this.fd, data, 0, data.byteLength);
      } catch (err) {
        return this.fatalError(err, 'Fatal write error on socket transport');
      }
      if (sent === data.byteLength) return;
      offset = sent ?? 0;
      this.#loop.addWriter(this.#sockRef, this.#writeReady);
    }
    const rest = copyOf(data, offset);
    this.#buffer.push(rest);
    this.#bufferSize += rest.length;
    this.maybePauseProtocol();
  }

  // asyncio's _write_ready: flush on writability (ours sends chunk after chunk until the kernel
  // takes no more, where asyncio's one bytearray takes one send).
  #writeReady = (): void => {
    if (this.connLost) return;
    try {
      while (this.#buffer.length > 0) {
        const head = this.#buffer[0];
        const left = head.length - this.#headOffset;
        const sent = send(this.fd, head, this.#headOffset, left);
        if (sent === null) break;
        this.#bufferSize -= sent;
        if (sent < left) {
          this.#headOffset += sent;
          break;
        }
        this.#buffer.shift();
        this.#headOffset = 0;
      }
    } catch (err) {
      this.stopWriting();
      return this.fatalError(err, 'Fatal write error on socket transport');
    }
    this.maybeResumeProtocol(); // may write more
    if (this.#bufferSize > 0) return;
    this.#unwatchWrites();
    if (this.closing) {
      this.connLost++; // the fd is closed next: later writes must not reach it (its number may be reused)
      this.callConnectionLost(null);
    }
    else if (this.eof) this.shutdownWrite();
  };

  #clearBuffer(): void {
    this.#buffer = [];
    this.#headOffset = 0;
    this.#bufferSize = 0;
  }

  /** Bytes waiting to be sent. */
  getWriteBufferSize(): number {
    return this.#bufferSize;
  }

  /** Reads again after `pauseReading`. */
  resumeReading(): void {
    if (this.closing || !this.paused) return;
    this.paused = false;
    this.startReading();
  }
}
