// asyncio's transport policy, whatever moves the bytes (a readiness loop's send/recv, or a
// completion loop's submitted operations): extra info, write-buffer flow control
// (FlowControlMixin), and the way protocol callbacks fail (_fatal_error, _force_close,
// _call_connection_lost). A loop's transport class extends this and says how bytes move.
import { closedError, invalidArgType, invalidArgValue, outOfRange } from '../errors';
import type { BaseEventLoop } from '../loop/base-loop';
import { AF_INET, AF_INET6, IPPROTO_TCP, SHUT_WR, SOCK_STREAM, TCP_NODELAY } from '../socket/constants';
import type { Socket } from '../socket/socket';
import { validateBytes } from '../validate';
import type { ProtocolLike } from './protocols';

// asyncio's default high-water mark of a write buffer (bytes); the low mark is a quarter of it.
const DEFAULT_HIGH_WATER = 64 * 1024;

/** What a transport tells the server it belongs to (so `waitClosed` knows when every connection ended). */
export interface TransportOwner {
  /** A transport of this server was made. @internal */
  attach(transport: Transport): void;
  /** A transport of this server is gone (its socket closed). @internal */
  detach(transport: Transport): void;
}

/** What a transport and a server use of their loop (any iomux loop has it). @internal */
export type LoopCalls = Pick<BaseEventLoop, 'callSoon' | 'callLater' | 'callExceptionHandler' | 'isClosed'>;

function isOSError(err: unknown): boolean {
  return err instanceof Error && typeof (err as { errno?: unknown }).errno === 'number' && typeof (err as { syscall?: unknown }).syscall === 'string';
}

/** A protocol method, or undefined when the protocol leaves it out. */
export function protocolMethod<K extends keyof ProtocolLike>(protocol: ProtocolLike, name: K): ProtocolLike[K] {
  const fn = protocol[name];
  return typeof fn === 'function' ? fn : undefined;
}

/**
 * Python's `asyncio.Transport` for a stream socket: writes are buffered and flushed by the loop,
 * reads are handed to the protocol. Made by `loop.createServer`, `loop.createConnection` and
 * `loop.connectAcceptedSocket`; not constructed directly.
 */
export abstract class Transport {
  /** The loop the transport runs on. @internal */
  protected readonly loop: LoopCalls;
  /** The connected socket; null once closed. @internal */
  protected sock: Socket | null;
  /** The protocol being called. @internal */
  protected protocol: ProtocolLike;
  /** The socket's fd, valid until callConnectionLost closes the socket (reads and writes stop first). @internal */
  protected readonly fd: number;
  /** The protocol is a BufferedProtocol (it has getBuffer): reads go into its buffer. Follows setProtocol. @internal */
  protected buffered: boolean;
  /** close() or a fatal error started; no more reading. @internal */
  protected closing = false;
  /** How many times the connection was found lost (asyncio's `_conn_lost`); nonzero: the end is scheduled. @internal */
  protected connLost = 0;
  /** writeEof() was called: no more writes. @internal */
  protected eof = false;
  /** pauseReading() was called and resumeReading() not yet. @internal */
  protected paused = false;
  readonly #extra: Record<string, unknown>;
  #owner: TransportOwner | undefined;
  #protocolPaused = false;
  #high = DEFAULT_HIGH_WATER;
  #low = DEFAULT_HIGH_WATER / 4;

  /** @internal */
  constructor(loop: LoopCalls, sock: Socket, protocol: ProtocolLike, extra: Record<string, unknown>, owner?: TransportOwner, onMade?: () => void) {
    this.loop = loop;
    this.sock = sock;
    this.protocol = protocol;
    this.#extra = extra;
    this.#owner = owner;
    owner?.attach(this);
    this.fd = sock.fileno();
    this.buffered = typeof protocol.getBuffer === 'function';
    nodelay(sock);
    // asyncio's order: connection_made, then reading starts, then the creator's waiter — each on
    // the loop's next iteration.
    loop.callSoon(connectionMadeOf(protocol), this);
    loop.callSoon(this.startReadingSoon);
    if (onMade) loop.callSoon(onMade);
  }

  /**
   * Information about the connection (Python's `get_extra_info`): `'peername'` and `'sockname'`
   * (addresses, read when the transport was made), `'socket'` (the iomux `Socket`; do not read
   * from or write to it). Anything else: `defaultValue`.
   */
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    if (typeof name !== 'string') throw invalidArgType('name', 'of type string', name);
    return Object.prototype.hasOwnProperty.call(this.#extra, name) ? this.#extra[name] : defaultValue;
  }

  /** Whether the transport is closing or closed (Python's `is_closing`). */
  isClosing(): boolean {
    return this.closing;
  }

  /** The protocol (Python's `get_protocol`). */
  getProtocol(): ProtocolLike {
    return this.protocol;
  }

  /** Switches the protocol the transport calls from now on (Python's `set_protocol`). */
  setProtocol(protocol: ProtocolLike): void {
    if (typeof protocol !== 'object' || protocol === null) throw invalidArgType('protocol', 'an object', protocol);
    this.protocol = protocol;
    this.buffered = typeof protocol.getBuffer === 'function';
  }

  /** The write-buffer marks as `[low, high]` in bytes (Python's `get_write_buffer_limits`, same order). */
  getWriteBufferLimits(): [number, number] {
    return [this.#low, this.#high];
  }

  /**
   * Sets the write-buffer marks in bytes (Python's `set_write_buffer_limits`): above `high` the
   * protocol's `pauseWriting` is called, and at or below `low` afterwards its `resumeWriting`.
   * Defaults: high 64 KiB (4 × low when only low is given), low high / 4.
   * @throws `ERR_INVALID_ARG_TYPE` (not a number), `ERR_OUT_OF_RANGE` (negative, not an integer),
   *   `ERR_INVALID_ARG_VALUE` (high below low)
   */
  setWriteBufferLimits(high?: number | null, low?: number | null): void {
    const h = high === undefined || high === null ? undefined : validateMark(high, 'high');
    const l = low === undefined || low === null ? undefined : validateMark(low, 'low');
    const newHigh = h ?? (l === undefined ? DEFAULT_HIGH_WATER : 4 * l);
    const newLow = l ?? Math.floor(newHigh / 4);
    if (newHigh < newLow) throw invalidArgValue('high', newHigh, `must be >= low (${newLow})`);
    this.#high = newHigh;
    this.#low = newLow;
    this.maybePauseProtocol();
  }

  /** Bytes waiting in the write buffer (Python's `get_write_buffer_size`). */
  abstract getWriteBufferSize(): number;
  /** Writes `data` (a copy is kept of what cannot be sent now); never blocks (Python's `write`). */
  abstract write(data: ArrayBufferView): void;
  /** Reads again after `pauseReading` (Python's `resume_reading`). */
  abstract resumeReading(): void;

  /** Starts reading from the socket unless paused or closing (made, resumed). @internal */
  protected abstract startReading(): void;
  /** startReading as a callback for callSoon. @internal */
  protected readonly startReadingSoon = (): void => {
    this.startReading();
  };
  /** Stops reading from the socket (pause, close, an end of stream that keeps the write side open). @internal */
  protected abstract stopReading(): void;
  /** Stops writing to the socket and drops what waits to be sent (abort, fatal error, close with nothing left). @internal */
  protected abstract stopWriting(): void;
  /** Just before the protocol's connectionLost: what the transport must end first (default: nothing). @internal */
  protected beforeLost(): void {}

  /**
   * Writes each buffer of `list` as one write (Python's `writelines`, which joins them).
   * @throws as `write`; `ERR_INVALID_ARG_TYPE` when `list` is not iterable
   */
  writelines(list: Iterable<ArrayBufferView>): void {
    if (typeof list !== 'object' || list === null || typeof (list as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw invalidArgType('list', 'an iterable of Buffers', list);
    }
    const parts: ArrayBufferView[] = [];
    for (const part of list) parts.push(validateBytes(part, 'list[]'));
    if (parts.length === 1) return this.write(parts[0]);
    this.write(Buffer.concat(parts.map(asBuffer)));
  }

  /** Closes the write side once the buffer is flushed (`shutdown(SHUT_WR)`); no effect when closing or done already. */
  writeEof(): void {
    if (this.closing || this.eof) return;
    this.eof = true;
    if (this.getWriteBufferSize() === 0) this.shutdownWrite();
  }

  /** Always true for a stream socket. */
  canWriteEof(): boolean {
    return true;
  }

  /** Stops reading; once the write buffer is flushed the socket is closed and `connectionLost(null)` called. Idempotent. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.stopReading();
    if (this.getWriteBufferSize() === 0) {
      this.stopWriting();
      this.endSoon(null);
    }
  }

  /** Closes at once, dropping unsent data; `connectionLost(null)` follows. */
  abort(): void {
    this.forceClose(null);
  }

  /** Stops reading until `resumeReading` (no effect when paused or closing). */
  pauseReading(): void {
    if (!this.isReading()) return;
    this.paused = true;
    this.stopReading();
  }

  /** Whether reading (not paused, not closing). */
  isReading(): boolean {
    return !this.paused && !this.closing;
  }

  /**
   * The checks every write makes first: the bytes, then writeEof; an empty write, or one after the
   * connection was lost (counted, as asyncio), is dropped. @returns whether to send `data` @internal
   */
  protected acceptWrite(data: ArrayBufferView): boolean {
    validateBytes(data, 'data');
    if (this.eof) throw closedError('write side of the transport (writeEof() was called)');
    if (data.byteLength === 0 || this.connLost) {
      if (this.connLost) this.connLost++;
      return false;
    }
    return true;
  }

  /** asyncio's `_read_ready__on_eof`: eofReceived() returning true keeps the write side open. @internal */
  protected onEof(): void {
    let keepOpen: unknown;
    try {
      keepOpen = protocolMethod(this.protocol, 'eofReceived')?.call(this.protocol);
    } catch (err) {
      return this.fatalError(err, 'Fatal error: protocol.eofReceived() call failed.');
    }
    if (keepOpen === true) this.stopReading();
    else this.close();
  }

  /** A BufferedProtocol's buffer for the next read, or undefined when getBuffer() failed (the transport is aborted). @internal */
  protected protocolBuffer(sizeHint = -1): ArrayBufferView | undefined {
    try {
      const buf = (this.protocol.getBuffer as (sizeHint: number) => ArrayBufferView).call(this.protocol, sizeHint);
      if (!ArrayBuffer.isView(buf)) throw invalidArgType('getBuffer()', 'a Buffer, TypedArray or DataView', buf);
      if (buf.byteLength === 0) throw new RangeError('getBuffer() returned an empty buffer');
      return buf;
    } catch (err) {
      this.fatalError(err, 'Fatal error: protocol.getBuffer() call failed.');
      return undefined;
    }
  }

  /** Tells a BufferedProtocol that `nbytes` landed in its buffer; false if it threw (the transport is aborted). @internal */
  protected bufferUpdated(nbytes: number): boolean {
    try {
      protocolMethod(this.protocol, 'bufferUpdated')?.call(this.protocol, nbytes);
      return true;
    } catch (err) {
      this.fatalError(err, 'Fatal error: protocol.bufferUpdated() call failed.');
      return false;
    }
  }

  /**
   * Hands received bytes to the protocol: `dataReceived(data)`, or for a BufferedProtocol (one
   * set by setProtocol while bytes were already read the other way) copies into its buffers
   * (asyncio's `_feed_data_to_buffered_proto`). @internal
   */
  protected deliverData(data: Buffer): void {
    if (!this.buffered) {
      try {
        protocolMethod(this.protocol, 'dataReceived')?.call(this.protocol, data);
      } catch (err) {
        this.fatalError(err, 'Fatal error: protocol.dataReceived() call failed.');
      }
      return;
    }
    for (let from = 0; from < data.length; ) {
      const buf = this.protocolBuffer(data.length - from);
      if (buf === undefined) return;
      const n = Math.min(buf.byteLength, data.length - from);
      data.copy(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), 0, from, from + n);
      from += n;
      if (!this.bufferUpdated(n)) return;
    }
  }

  /** `shutdown(SHUT_WR)`, once writeEof() was called and the buffer is flushed. @internal */
  protected shutdownWrite(): void {
    try {
      this.sock?.shutdown(SHUT_WR);
    } catch (err) {
      this.fatalError(err, 'Fatal error on shutdown(SHUT_WR)');
    }
  }

  /** Ends the connection at once (asyncio's `_force_close`): drop buffered writes, schedule connectionLost(err). @internal */
  protected forceClose(err: Error | null): void {
    if (this.connLost) return;
    this.stopWriting();
    if (!this.closing) {
      this.closing = true;
      this.stopReading();
    }
    this.endSoon(err);
  }

  /** The end is decided: later writes are dropped (the fd is closed next), connectionLost(err) runs soon. @internal */
  protected endSoon(err: Error | null): void {
    this.connLost++;
    this.loop.callSoon(this.#lost, err);
  }

  #lost = (err: Error | null): void => {
    this.beforeLost();
    this.callConnectionLost(err);
  };

  /** asyncio's `_maybe_pause_protocol`: tell the protocol once when the buffer goes above the high mark. @internal */
  protected maybePauseProtocol(): void {
    if (this.getWriteBufferSize() <= this.#high || this.#protocolPaused) return;
    this.#protocolPaused = true;
    this.#callFlowControl('pauseWriting');
  }

  /** asyncio's `_maybe_resume_protocol`: tell the protocol once the buffer drained to the low mark. @internal */
  protected maybeResumeProtocol(): void {
    if (!this.#protocolPaused || this.getWriteBufferSize() > this.#low) return;
    this.#protocolPaused = false;
    this.#callFlowControl('resumeWriting');
  }

  #callFlowControl(name: 'pauseWriting' | 'resumeWriting'): void {
    try {
      protocolMethod(this.protocol, name)?.call(this.protocol);
    } catch (exception) {
      this.loop.callExceptionHandler({ message: `protocol.${name}() failed`, exception, transport: this, protocol: this.protocol });
    }
  }

  /**
   * asyncio's `_fatal_error`: an OS error (a reset, a broken pipe) is the connection's end and is
   * only passed to `connectionLost`; anything else (a protocol callback threw) also goes to the
   * loop's exception handler. Either way the transport is aborted. @internal
   */
  protected fatalError(err: unknown, message: string): void {
    if (!isOSError(err)) {
      this.loop.callExceptionHandler({ message, exception: err, transport: this, protocol: this.protocol });
    }
    this.forceClose(err instanceof Error ? err : new Error(String(err)));
  }

  /**
   * asyncio's `_call_connection_lost` (run from callSoon): tell the protocol, then close the
   * socket and tell the server, even when the protocol throws (that error goes to the exception
   * handler as any callback's). @internal
   */
  protected callConnectionLost(err: Error | null): void {
    try {
      protocolMethod(this.protocol, 'connectionLost')?.call(this.protocol, err);
    } finally {
      this.sock?.close();
      this.sock = null;
      const owner = this.#owner;
      this.#owner = undefined;
      owner?.detach(this);
    }
  }
}

/** asyncio turns Nagle off on TCP: small writes go out without waiting for the peer's ACK. @internal */
export function nodelay(sock: Socket): void {
  if ((sock.family === AF_INET || sock.family === AF_INET6) && sock.type === SOCK_STREAM) {
    try {
      sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
    } catch {
      // not fatal: the connection still works
    }
  }
}

/**
 * The protocol's connectionMade as a callback named like asyncio's (`P.connectionMade`), so that
 * an error it throws is reported as "Exception in callback P.connectionMade(<transport>)". @internal
 */
export function connectionMadeOf(protocol: ProtocolLike): (transport: Transport) => void {
  const made = (transport: Transport): void => {
    protocolMethod(protocol, 'connectionMade')?.call(protocol, transport);
  };
  const owner = (protocol as { constructor?: { name?: string } }).constructor?.name ?? 'Object';
  Object.defineProperty(made, 'name', { value: `${owner}.connectionMade` });
  return made;
}

function asBuffer(view: ArrayBufferView): Buffer {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

function validateMark(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isSafeInteger(value) || value < 0) throw outOfRange(name, 'a non-negative integer', value);
  return value;
}
