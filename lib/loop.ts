// EventLoop: asyncio's selector event loop without coroutines — readers and writers on a
// selector, over the policy every iomux loop shares (lib/loop/base-loop.ts: callback order,
// timers, exception handler, run/runSync), plus signal handlers (lib/loop/signals.ts) and the
// sock* operations (lib/loop/sock-ops.ts). run() works inside Node's loop; runSync() blocks.
import { closedError, invalidArgType } from './errors';
import { MAX_WAIT_MS } from './limits';
import { BaseEventLoop } from './loop/base-loop';
import { IOHandle } from './loop/handle';
import { SignalHandlers } from './loop/signals';
import { SockOps } from './loop/sock-ops';
import { armWait, EVENT_READ, EVENT_WRITE, prepareWait, isStale, keepAlive, type BaseSelector, type FileLike, type SelectorKey } from './selectors/base';
import { DefaultSelector } from './selectors/default';
import { MS, toWait } from './timeout';
import type { TransportLoop } from './transports/create';
import { selectorTransportLoop } from './transports/selector-serving';
import { fileobjToFd } from './validate';

export { Handle, TimerHandle } from './loop/handle';
export type { ExceptionContext, ExceptionHandler } from './loop/exceptions';
export type { SockOptions } from './loop/sock-ops';

/** A reader or writer callback: the file object as registered, and the ready events. */
export type IOCallback = (fileobj: FileLike, mask: number) => void;

interface Handlers {
  reader: IOHandle | undefined;
  writer: IOHandle | undefined;
}

/**
 * Callbacks on readiness, with timers, over a selector (Python's asyncio selector event loop,
 * without coroutines): asyncio's callback order, exception handler, signal handlers and sock*
 * operations. `run()` works inside Node's event loop and never blocks the thread; `runSync()`
 * blocks like Python's `run_forever()`.
 */
export class EventLoop extends BaseEventLoop {
  readonly #selector: BaseSelector<Handlers>;
  readonly #ownsSelector: boolean;
  protected readonly signals: SignalHandlers;
  protected readonly sockOps: SockOps;

  /** @param selector - the selector to use (default: a new `DefaultSelector`, closed by `close()`) */
  constructor(selector?: BaseSelector) {
    super();
    if (selector !== undefined && (typeof selector !== 'object' || selector === null || typeof (selector as BaseSelector)[armWait] !== 'function')) {
      throw invalidArgType('selector', 'an iomux selector', selector);
    }
    this.#ownsSelector = selector === undefined;
    this.#selector = (selector ?? new DefaultSelector()) as BaseSelector<Handlers>;
    this.signals = new SignalHandlers({
      watch: (fd, onReadable) => this.#add(fd, onReadable, EVENT_READ),
      unwatch: (fd) => this.#detach(fd, EVENT_READ),
      enqueue: (handle) => this.enqueue(handle),
    });
    this.sockOps = new SockOps({
      checkOpen: () => this.checkOpen(),
      addReader: (sock, cb) => this.#addIfNot(sock, cb, EVENT_READ),
      removeReader: (sock, cb) => this.#removeIf(sock, cb, EVENT_READ),
      addWriter: (sock, cb) => this.#addIfNot(sock, cb, EVENT_WRITE),
      removeWriter: (sock, cb) => this.#removeIf(sock, cb, EVENT_WRITE),
    });
  }

  protected watchIO(fileobj: FileLike, cb: IOCallback, event: number): void {
    this.#add(fileobj, cb, event);
  }

  protected unwatchIO(fileobj: FileLike, event: number): boolean {
    return this.#remove(fileobj, event);
  }

  /** @internal */
  protected makeTransportLoop(): TransportLoop {
    return selectorTransportLoop(this, this as unknown as BaseEventLoop);
  }

  protected pollIO(timeoutSeconds: number | null): number {
    const events = this.#selector.select(timeoutSeconds);
    for (const [key, mask] of events) {
      const { reader, writer } = key.data;
      // asyncio's _process_events: each ready direction's handle goes to the ready queue.
      if (mask & EVENT_READ && reader !== undefined) {
        reader.setMask(mask);
        this.enqueue(reader);
      }
      if (mask & EVENT_WRITE && writer !== undefined) {
        writer.setMask(mask);
        this.enqueue(writer);
      }
    }
    return events.length;
  }

  // A poll or select selector's waiter pipe is made now: a server flooded before its first idle
  // moment would otherwise need it when accept() has taken every fd (EMFILE).
  protected override prepareIO(): void {
    this.#selector[prepareWait]();
  }

  protected armIO(timeoutSeconds: number | null, onWake: (err?: Error) => void): () => void {
    return this.#selector[armWait](toWait(timeoutSeconds, MS, MAX_WAIT_MS, 'zero'), onWake);
  }

  protected keepAliveIO(on: boolean): void {
    this.#selector[keepAlive](on);
  }

  protected closeIO(): void {
    this.sockOps.close(closedError('EventLoop'));
    this.signals.close();
    if (this.#ownsSelector) this.#selector.close();
  }

  #add(fileobj: FileLike, cb: (...args: never[]) => unknown, event: number): void {
    this.checkOpen();
    const handle = new IOHandle(cb, fileobj, this);
    const slot = event === EVENT_READ ? 'reader' : 'writer';
    let key = this.#selector.getMap().get(fileobj);
    if (key !== undefined && key.fileobj !== fileobj) {
      if (isStale(key)) {
        // Its file was closed without removeReader/removeWriter and the fd number reused: the
        // old handles go with it, and register() drops its kernel registration.
        key.data.reader?.cancel();
        key.data.writer?.cancel();
        key = undefined;
      } else {
        key = this.#registerAgain(key, fileobj);
      }
    }
    if (key === undefined) {
      const handlers: Handlers = { reader: undefined, writer: undefined };
      handlers[slot] = handle;
      this.#selector.register(fileobj, event, handlers);
      return;
    }
    key.data[slot]?.cancel(); // asyncio: a replaced handle that is already queued does not run
    key.data[slot] = handle;
    if ((key.events & event) === 0) this.#selector.modify(fileobj, key.events | event, key.data);
  }

  // Another object, or a bare fd number, for a registered fd: whether that fd was closed and
  // reused since cannot be known, so the kernel registration is made again, on the file the fd
  // names now (epoll and io_uring would otherwise keep watching the old file). The handles stay.
  #registerAgain(key: SelectorKey<Handlers>, fileobj: FileLike): SelectorKey<Handlers> {
    this.#selector.unregister(key.fd);
    try {
      return this.#selector.register(fileobj, key.events, key.data);
    } catch (err) {
      key.data.reader?.cancel();
      key.data.writer?.cancel();
      throw err;
    }
  }

  #remove(fileobj: FileLike, event: number): boolean {
    this.checkOpen();
    const key = this.#selector.getMap().get(fileobj);
    if (key === undefined) {
      fileobjToFd(fileobj); // a bad file object throws, as in add
      return false;
    }
    return this.#detach(fileobj, event);
  }

  // Removes one direction's handle; also while close() runs (a passed-in selector stays open
  // and must be left without the loop's registrations).
  #detach(fileobj: FileLike, event: number): boolean {
    if (this.#selector.closed) return false;
    const key = this.#selector.getMap().get(fileobj);
    if (key === undefined || (key.events & event) === 0) return false;
    const slot = event === EVENT_READ ? 'reader' : 'writer';
    key.data[slot]?.cancel();
    key.data[slot] = undefined;
    if (key.events === event) this.#selector.unregister(fileobj);
    else this.#selector.modify(fileobj, key.events & ~event, key.data);
    return true;
  }

  // For sock* operations: their reader/writer, unless it is theirs already.
  #addIfNot(fileobj: FileLike, cb: () => void, event: number): void {
    const key = this.#selector.getMap().get(fileobj);
    if (key?.fileobj === fileobj && key.data[event === EVENT_READ ? 'reader' : 'writer']?.callback === cb) return;
    this.#add(fileobj, cb, event);
  }

  // For sock* operations: remove the reader/writer only if it is still theirs (asyncio checks
  // that its handle was not cancelled by a replacing add_reader).
  #removeIf(fileobj: FileLike, cb: () => void, event: number): void {
    if (this.#selector.closed) return;
    const key = this.#selector.getMap().get(fileobj);
    const handle = key?.data[event === EVENT_READ ? 'reader' : 'writer'];
    if (handle !== undefined && handle.callback === cb) this.#detach(fileobj, event);
  }
}
