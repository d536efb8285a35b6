// asyncio's _ProactorSocketTransport on io_uring: the bytes of a stream transport moved by
// completions. Reading is one multishot receive into the ring's provided buffers (one submission
// for as long as the connection reads; each completion names the buffer the kernel filled, and
// dataReceived gets a view of it), or, where the kernel has no multishot receive or buffer ring
// and for BufferedProtocol, one receive at a time into a buffer of the transport (the protocol's
// own, from getBuffer). Writing is one send in flight at a time (MSG_WAITALL: the kernel sends all
// of it), what is written meanwhile joined into the next; sends queued in one turn of the loop
// reach the kernel together in the loop's next io_uring_enter.
import { constants as osConstants } from 'node:os';
import { systemError } from '../errors';
import { BUFFER_SIZE, type RingDriver } from '../loop/proactor-ring';
import { native } from '../native';
import { SO_ERROR, SOL_SOCKET } from '../socket/constants';
import type { Socket } from '../socket/socket';
import { CQE_F_BUFFER, CQE_F_MORE, type Ring } from '../uring/ring';
import type { ProtocolLike } from './protocols';
import { Transport, type LoopCalls, type TransportOwner } from './transport';

const ECANCELED = -osConstants.errno.ECANCELED;
const ENOBUFS = -osConstants.errno.ENOBUFS;
const EINVAL = -osConstants.errno.EINVAL;
const EPIPE = -osConstants.errno.EPIPE;
const EAGAIN = -osConstants.errno.EAGAIN;
const EWOULDBLOCK = -osConstants.errno.EWOULDBLOCK;
const EINTR = -osConstants.errno.EINTR;
// A write with no send in flight is submitted, to go to the kernel with the other sends of the
// turn — unless it is made while the loop hands out a harvest of one completion (one busy
// connection: nothing to batch it with), where a send(2) at once is cheaper than a submission
// and its completion, and only what the kernel did not take is submitted. For measuring (not
// public API): IOMUX_PROACTOR_SEND=direct tries send(2) first always, =ring never.
const SEND_MODE = process.env.IOMUX_PROACTOR_SEND;
const DIRECT_SEND = SEND_MODE === 'direct';
const RING_SEND = SEND_MODE === 'ring';
// Kinds of native uringPrepBuffer.
const RECV = 0;
const SEND_ALL = 4;
// The buffer of a single-shot receive (bytes): asyncio's proactor reads 32 KiB at a time up to
// 256 KiB; one 64 KiB buffer per connection bounds memory at many connections.
const RECV_SIZE = 64 * 1024;

/** What a completion loop gives its transports. @internal */
export interface CompletionLoop extends LoopCalls {
  readonly driver: RingDriver;
}

function copyOf(view: ArrayBufferView): Buffer {
  return Buffer.from(Buffer.from(view.buffer, view.byteOffset, view.byteLength));
}

/**
 * A stream transport on a completion loop (asyncio's `_ProactorSocketTransport`). Made by
 * `ProactorEventLoop`'s `createServer` / `createConnection` / `connectAcceptedSocket`. The Buffer
 * handed to `dataReceived` is a view of the loop's receive buffers, valid only during the call:
 * copy what you keep (`Buffer.from(data)`); `write(data)` copies it already.
 */
export class ProactorSocketTransport extends Transport {
  readonly #driver: RingDriver;
  readonly #sockRef: Socket;
  // Reading: the receive in flight (its tag), whether it is multishot, the buffer of a single one
  // and the protocol that buffer belongs to (a BufferedProtocol's own, else undefined), and what
  // arrived while not reading (paused, or resumed but not yet reading again), delivered first
  // when reading starts again. The end of stream is handled once.
  #recvTag: number | undefined;
  #multi = false;
  #recvBuf: ArrayBufferView | undefined;
  #recvBufOf: ProtocolLike | undefined;
  #ownBuf: Buffer | undefined;
  #reading = false;
  #heldData: Buffer[] = [];
  #heldBytes = 0;
  #heldEof = false;
  #eof = false;
  // Writing: the send in flight (its bytes), and the writes made meanwhile (copies).
  #sendTag: number | undefined;
  #sending: ArrayBufferView | undefined;
  #sendingBytes = 0;
  #queue: Buffer[] = [];
  #queued = 0;

  /** @internal */
  constructor(loop: CompletionLoop, sock: Socket, protocol: ProtocolLike, extra: Record<string, unknown>, owner?: TransportOwner, onMade?: () => void) {
    super(loop, sock, protocol, extra, owner, onMade);
    this.#driver = loop.driver;
    this.#sockRef = sock;
  }

  // ---- reading

  /** @internal */
  protected startReading(): void {
    if (!this.isReading()) return;
    this.#reading = true;
    this.#deliverHeld();
    if (!this.#reading || this.connLost || this.#eof) return;
    if (this.#recvTag !== undefined) return; // a cancelled receive still ends first; it re-arms then
    this.#arm();
  }

  /** As Transport.setProtocol; a receive of the other kind in flight is cancelled, and the next is made for the new protocol. */
  override setProtocol(protocol: ProtocolLike): void {
    const was = this.buffered;
    super.setProtocol(protocol);
    if (this.buffered !== was && this.#recvTag !== undefined) this.#driver.cancel(this.#recvTag);
  }

  #arm(): void {
    const driver = this.#driver;
    try {
      if (!this.buffered && driver.multishot && driver.arena !== null) {
        this.#multi = true;
        this.#recvTag = driver.start(this.#multiOp);
      } else {
        this.#multi = false;
        this.#recvBuf = this.buffered ? this.protocolBuffer() : (this.#ownBuf ??= Buffer.allocUnsafe(RECV_SIZE));
        this.#recvBufOf = this.buffered ? this.protocol : undefined;
        if (this.#recvBuf === undefined) return;
        this.#recvTag = driver.start(this.#onceOp);
      }
    } catch (err) {
      this.fatalError(err, 'Fatal read error on socket transport');
    }
  }

  /** @internal */
  protected stopReading(): void {
    this.#reading = false;
    if (this.#recvTag !== undefined) this.#driver.cancel(this.#recvTag);
  }

  readonly #multiOp = {
    prep: (_ring: Ring, tag: number): void => {
      const r = native.uringPrepRecvMulti!(this.#driver.handle, this.fd, tag);
      if (r < 0) throw systemError(r, 'io_uring_prep_recv_multishot');
    },
    complete: (res: number, flags: number): void => {
      if ((flags & CQE_F_MORE) === 0) this.#recvTag = undefined;
      if ((flags & CQE_F_BUFFER) === 0) return this.#received(res, undefined);
      const bid = flags >>> 16;
      try {
        const arena = this.#driver.arena!;
        const start = bid * BUFFER_SIZE;
        this.#received(res, arena.subarray(start, start + res));
      } finally {
        this.#driver.recycle(bid);
      }
    },
  };

  readonly #onceOp = {
    prep: (_ring: Ring, tag: number): void => {
      const r = native.uringPrepBuffer!(this.#driver.handle, RECV, this.fd, this.#recvBuf!, 0, tag);
      if (r < 0) throw systemError(r, 'io_uring_prep_recv');
    },
    complete: (res: number): void => {
      this.#recvTag = undefined;
      if (this.buffered && this.#recvBufOf === this.protocol) return this.#receivedInto(res);
      // Into our own buffer, or the buffer of a protocol since replaced: the bytes as data.
      const buf = this.#recvBuf!;
      this.#received(res, res > 0 ? Buffer.from(buf.buffer, buf.byteOffset, res) : undefined);
    },
  };

  // Whether what completes now must wait: not reading, or something arrived before it still waits.
  #holding(): boolean {
    return !this.#reading || this.#heldData.length > 0 || this.#heldBytes > 0;
  }

  #ended(): void {
    if (this.#eof) return;
    this.#eof = true;
    if (this.#holding()) this.#heldEof = true;
    else this.onEof();
  }

  // A receive completed: `data` (a view valid during this call), end of stream (0), or -errno.
  #received(res: number, data: Buffer | undefined): void {
    if (this.connLost) return;
    if (res > 0) {
      if (this.#holding()) this.#heldData.push(copyOf(data!));
      else this.deliverData(this.#multi ? data! : copyOf(data!));
    } else if (res === 0) {
      return this.#ended();
    } else if (res === ENOBUFS || res === ECANCELED) {
      // Out of provided buffers (given back in the next crossing), or cancelled by pauseReading.
    } else if (res === EINVAL && this.#multi) {
      this.#driver.multishot = false; // a kernel without multishot receive (before 6.0)
    } else {
      return this.fatalError(systemError(res, 'recv'), 'Fatal read error on socket transport');
    }
    if (this.#recvTag === undefined && this.#reading && !this.connLost) this.#arm();
  }

  // BufferedProtocol: `res` bytes landed in the protocol's buffer.
  #receivedInto(res: number): void {
    if (this.connLost) return;
    if (res > 0) {
      if (this.#holding()) this.#heldBytes += res;
      else if (!this.bufferUpdated(res)) return;
    } else if (res === 0) {
      return this.#ended();
    } else if (res !== ECANCELED) {
      return this.fatalError(systemError(res, 'recv'), 'Fatal read error on socket transport');
    }
    if (this.#recvTag === undefined && this.#reading && !this.connLost) this.#arm();
  }

  // asyncio's _ProactorReadPipeTransport: what arrived while paused is delivered on resume, in
  // order, before anything read after it.
  #deliverHeld(): void {
    if (this.#heldBytes > 0) {
      const n = this.#heldBytes;
      this.#heldBytes = 0;
      if (!this.bufferUpdated(n)) return;
    }
    while (this.#heldData.length > 0 && this.#reading && !this.connLost) this.deliverData(this.#heldData.shift()!);
    if (this.#heldEof && this.#reading && !this.connLost && this.#heldData.length === 0) {
      this.#heldEof = false;
      this.onEof();
    }
  }

  // ---- writing

  /**
   * Writes `data`: submitted at once (copied by the ring) when no send is in flight, else copied
   * and joined into the next send. After the connection was lost, writes are dropped (as asyncio).
   * @throws `ERR_INVALID_ARG_TYPE` (not a Buffer/TypedArray/DataView), `ERR_CLOSED` after `writeEof()`
   */
  write(data: ArrayBufferView): void {
    if (!this.acceptWrite(data)) return;
    if (this.#sendTag === undefined) {
      if (!DIRECT_SEND && (RING_SEND || this.#driver.batch !== 1)) this.#send(data);
      else {
        const sent = native.send(this.fd, data, 0, data.byteLength, 0);
        if (sent === data.byteLength) return;
        if (sent < 0 && sent !== EAGAIN && sent !== EWOULDBLOCK && sent !== EINTR) {
          return this.fatalError(systemError(sent, 'send'), 'Fatal write error on socket transport');
        }
        this.#send(sent > 0 ? Buffer.from(data.buffer, data.byteOffset + sent, data.byteLength - sent) : data);
      }
    } else {
      const copy = copyOf(data);
      this.#queue.push(copy);
      this.#queued += copy.length;
    }
    this.maybePauseProtocol();
  }

  #send(data: ArrayBufferView): void {
    this.#sending = data;
    this.#sendingBytes = data.byteLength;
    try {
      this.#sendTag = this.#driver.start(this.#sendOp);
    } catch (err) {
      this.#sending = undefined;
      this.#sendingBytes = 0;
      this.fatalError(err, 'Fatal write error on socket transport');
    }
  }

  readonly #sendOp = {
    prep: (_ring: Ring, tag: number): void => {
      const r = native.uringPrepBuffer!(this.#driver.handle, SEND_ALL, this.fd, this.#sending!, 0, tag);
      if (r < 0) throw systemError(r, 'io_uring_prep_send');
    },
    complete: (res: number): void => this.#sent(res),
    quiet: true, // what it may start (the next send, connectionLost) is queued by itself
  };

  // asyncio's _loop_writing: the send completed; send what was written meanwhile, or finish a
  // close() or writeEof() that waited for the buffer to drain.
  #sent(res: number): void {
    this.#sendTag = undefined;
    const data = this.#sending!;
    const bytes = this.#sendingBytes;
    this.#sending = undefined;
    this.#sendingBytes = 0;
    if (this.connLost) return;
    if (res < 0) return this.#writeFailed(res);
    if (res < bytes) {
      // Short (a kernel before 5.18 ignores MSG_WAITALL): send the rest, unless it was a view of
      // the provided buffers, given back meanwhile; then the socket's error ends the connection.
      if (data.buffer === this.#driver.arenaIfMade?.buffer) return this.#writeFailed(this.#socketError());
      const rest = Buffer.from(data.buffer, data.byteOffset + res, bytes - res);
      this.#queue.unshift(rest);
      this.#queued += rest.length;
    }
    if (this.#queued > 0) {
      const next = this.#queue.length === 1 ? this.#queue[0] : Buffer.concat(this.#queue, this.#queued);
      this.#queue = [];
      this.#queued = 0;
      this.#send(next);
    }
    this.maybeResumeProtocol(); // may write more
    if (this.getWriteBufferSize() > 0) return;
    if (this.closing) this.endSoon(null);
    else if (this.eof) this.shutdownWrite();
  }

  #writeFailed(res: number): void {
    this.#queue = [];
    this.#queued = 0;
    this.fatalError(systemError(res, 'send'), 'Fatal write error on socket transport');
  }

  #socketError(): number {
    try {
      const err = this.#sockRef.getsockopt(SOL_SOCKET, SO_ERROR);
      return err > 0 ? -err : EPIPE;
    } catch {
      return EPIPE;
    }
  }

  /** Bytes not yet sent: the send in flight and what waits behind it. */
  getWriteBufferSize(): number {
    return this.#sendingBytes + this.#queued;
  }

  /** Reads again after `pauseReading`: what arrived meanwhile first, on the next iteration. */
  resumeReading(): void {
    if (this.closing || !this.paused) return;
    this.paused = false;
    this.loop.callSoon(this.startReadingSoon);
  }

  /** @internal */
  protected stopWriting(): void {
    this.#queue = [];
    this.#queued = 0;
    this.#sendingBytes = 0; // dropped (asyncio's _force_close): its completion finds the connection lost
    // asyncio's _force_close cancels the write in flight at once: what the kernel did not send yet is dropped.
    if (this.#sendTag !== undefined) this.#driver.cancel(this.#sendTag);
  }

  // Before the socket closes: its operations are cancelled and everything queued is submitted,
  // so no entry naming this fd number reaches a file that takes the number next.
  /** @internal */
  protected override beforeLost(): void {
    this.#heldData = [];
    const driver = this.#driver;
    if (this.#recvTag !== undefined || this.#sendTag !== undefined) {
      if (this.#recvTag !== undefined) driver.cancel(this.#recvTag);
      if (this.#sendTag !== undefined) driver.cancel(this.#sendTag);
      try {
        driver.flush();
      } catch {
        // The ring refused the submit: its close cancels what is left.
      }
    }
    this.#sendingBytes = 0;
  }
}
