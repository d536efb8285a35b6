// asyncio's protocol classes (protocols.py): the callbacks a transport calls. Every method does
// nothing by default, so a protocol overrides only what it needs (a plain object works as well:
// a missing method is skipped as if inherited from these).
import type { Transport } from './transport';

/** Python's `asyncio.BaseProtocol`: what every protocol may be told. */
export class BaseProtocol {
  /** Called once, on the loop's next iteration after the transport was made (asyncio's `connection_made`). */
  connectionMade(transport: Transport): void {
    void transport;
  }

  /**
   * Called once when the connection is closed (asyncio's `connection_lost`): `null` after a clean
   * close or end of stream, else the error that ended it (`ECONNRESET`, …). The socket is closed after.
   */
  connectionLost(err: Error | null): void {
    void err;
  }

  /** The transport's write buffer went above its high mark: stop writing until `resumeWriting`. */
  pauseWriting(): void {}

  /** The transport's write buffer drained to its low mark: writing may go on. */
  resumeWriting(): void {}
}

/** Python's `asyncio.Protocol`: a stream protocol that receives each read as a new Buffer. */
export class Protocol extends BaseProtocol {
  /**
   * Bytes arrived. On `EventLoop` a Buffer of its own, which the protocol may keep; on
   * `ProactorEventLoop` a view of the loop's receive buffers, valid during this call only (copy
   * what you keep: `Buffer.from(data)`; `transport.write(data)` copies already).
   */
  dataReceived(data: Buffer): void {
    void data;
  }

  /**
   * The peer closed its write side (asyncio's `eof_received`). Return `true` to keep this side
   * open for writing (close it later with `close()`); anything else closes the transport.
   */
  eofReceived(): boolean | void {
    return undefined;
  }
}

/** Python's `asyncio.BufferedProtocol`: reads land in a buffer the protocol gives. */
export class BufferedProtocol extends BaseProtocol {
  /**
   * The buffer the next read goes into (asyncio's `get_buffer`); `sizeHint` is a suggested size,
   * -1 when there is none. It must not be empty.
   */
  getBuffer(sizeHint: number): ArrayBufferView {
    void sizeHint;
    throw new Error('BufferedProtocol.getBuffer() must be overridden');
  }

  /** `nbytes` bytes were written into the start of the last `getBuffer` result (asyncio's `buffer_updated`). */
  bufferUpdated(nbytes: number): void {
    void nbytes;
  }

  /** As {@link Protocol.eofReceived}. */
  eofReceived(): boolean | void {
    return undefined;
  }
}

/** The callbacks a transport may call; every one is optional (a missing one does nothing). */
export interface ProtocolLike {
  /** As {@link BaseProtocol.connectionMade}. */
  connectionMade?(transport: Transport): void;
  /** As {@link BaseProtocol.connectionLost}. */
  connectionLost?(err: Error | null): void;
  /** As {@link BaseProtocol.pauseWriting}. */
  pauseWriting?(): void;
  /** As {@link BaseProtocol.resumeWriting}. */
  resumeWriting?(): void;
  /** As {@link Protocol.dataReceived}. */
  dataReceived?(data: Buffer): void;
  /** As {@link Protocol.eofReceived}. */
  eofReceived?(): boolean | void;
  /** As {@link BufferedProtocol.getBuffer}; its presence makes the protocol a buffered one. */
  getBuffer?(sizeHint: number): ArrayBufferView;
  /** As {@link BufferedProtocol.bufferUpdated}. */
  bufferUpdated?(nbytes: number): void;
}

/** Makes the protocol of one connection (asyncio's `protocol_factory`). */
export type ProtocolFactory<P extends ProtocolLike = ProtocolLike> = () => P;
