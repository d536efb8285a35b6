// asyncio's add_signal_handler / remove_signal_handler over native/signals.cc. A C handler
// writes the signal number to this loop's self-pipe (as signal.set_wakeup_fd) and chains to the
// handler it replaced; the loop watches the pipe's read end like any reader, so that a signal
// wakes a loop blocked in a selector wait and its callback runs on the loop, on the iteration
// after the pipe was read (as asyncio's _handle_signal queues it).
// Why a Node listener first: libuv installs its own handler only when a Node listener for that
// signal appears, and puts SIG_DFL back when the last one goes. Adding ours after a listener of
// our own keeps libuv from replacing it later, lets Node's other listeners run (we chain to
// libuv's handler), and, as asyncio's handler does, turns off the default action (exit on SIGINT).
import { constants as osConstants } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { check, invalidArgType, invalidArgValue, notSupported, systemError } from '../errors';
import { native } from '../native';
import type { Handle } from './handle';

const NUMBER_TO_NAME = new Map<number, NodeJS.Signals>();
for (const [name, num] of Object.entries(osConstants.signals)) {
  if (!NUMBER_TO_NAME.has(num)) NUMBER_TO_NAME.set(num, name as NodeJS.Signals);
}
// Python's signal.signal refuses these with EINVAL ("sig N cannot be caught" in asyncio).
const UNCATCHABLE = new Set(['SIGKILL', 'SIGSTOP']);

/** A signal as `[number, Node's name]`: a name (`'SIGINT'`) or a number from `os.constants.signals`. */
export function toSignal(sig: unknown, name = 'sig'): [number, NodeJS.Signals] {
  let num: number | undefined;
  if (typeof sig === 'string') num = (osConstants.signals as Record<string, number>)[sig];
  else if (typeof sig === 'number') num = Number.isInteger(sig) ? sig : undefined;
  else throw invalidArgType(name, 'a signal name or number', sig);
  const signame = num === undefined ? undefined : NUMBER_TO_NAME.get(num);
  if (num === undefined || signame === undefined) throw invalidArgValue(name, sig, 'must be a signal name or number of os.constants.signals');
  if (UNCATCHABLE.has(signame)) throw invalidArgValue(name, sig, `is ${signame}, which cannot be caught`);
  return [num, signame];
}

/** What the signal machinery needs from a loop. */
export interface SignalHooks {
  /** Calls `onReadable` whenever `fd` is readable (the loop's reader). */
  watch(fd: number, onReadable: () => void): void;
  /** Stops watching `fd`. */
  unwatch(fd: number): void;
  /** Queues a handle on the loop's ready queue. */
  enqueue(handle: Handle): void;
}

// Process-wide: which loop's pipe receives each signal, and the Node listener that keeps libuv's
// handler under ours. A second loop handling the same signal takes it over (asyncio: the last
// set_wakeup_fd wins); the first loop forgets its handler.
const owners = new Map<number, { owner: SignalHandlers; listener: () => void }>();

/** One loop's signal handlers and self-pipe. */
export class SignalHandlers {
  readonly #hooks: SignalHooks;
  readonly #handlers = new Map<number, Handle>();
  #pipe: [number, number] | undefined;
  readonly #drainBuffer = Buffer.alloc(64);

  constructor(hooks: SignalHooks) {
    this.#hooks = hooks;
  }

  /**
   * Sets (or replaces) the handler of a signal.
   * @throws `ERR_NOT_SUPPORTED` off the main thread; what {@link toSignal} throws; the OS error of sigaction
   */
  add(signum: number, signame: NodeJS.Signals, handle: Handle): void {
    if (!isMainThread) throw notSupported('addSignalHandler off the main thread (signal handlers are process-wide)');
    const pipe = this.#openPipe();
    const current = owners.get(signum);
    if (current === undefined) {
      const listener = (): void => {};
      process.on(signame, listener);
      const r = native.signalInstall(signum, pipe[1]);
      if (r < 0) {
        process.off(signame, listener);
        throw systemError(r, 'sigaction');
      }
      owners.set(signum, { owner: this, listener });
    } else {
      check(native.signalInstall(signum, pipe[1]), 'sigaction');
      if (current.owner !== this) current.owner.#handlers.delete(signum);
      current.owner = this;
    }
    this.#handlers.get(signum)?.cancel();
    this.#handlers.set(signum, handle);
  }

  /** Removes a signal's handler and restores the previous disposition. @returns whether one was set */
  remove(signum: number, signame: NodeJS.Signals): boolean {
    const handle = this.#handlers.get(signum);
    if (handle === undefined) return false;
    this.#handlers.delete(signum);
    handle.cancel();
    const current = owners.get(signum);
    if (current?.owner === this) {
      owners.delete(signum);
      check(native.signalRestore(signum), 'sigaction');
      process.off(signame, current.listener);
    }
    if (this.#handlers.size === 0) this.#closePipe();
    return true;
  }

  /** Removes every handler and closes the pipe (the loop's close()). */
  close(): void {
    for (const signum of [...this.#handlers.keys()]) this.remove(signum, NUMBER_TO_NAME.get(signum)!);
    this.#closePipe();
  }

  #openPipe(): [number, number] {
    if (this.#pipe) return this.#pipe;
    const out = new Int32Array(2);
    check(native.signalPipe(out), 'pipe');
    const pipe: [number, number] = [out[0], out[1]];
    try {
      this.#hooks.watch(pipe[0], this.#drain);
    } catch (err) {
      native.close(pipe[0]);
      native.close(pipe[1]);
      throw err;
    }
    this.#pipe = pipe;
    return pipe;
  }

  #closePipe(): void {
    if (!this.#pipe) return;
    const [r, w] = this.#pipe;
    this.#pipe = undefined;
    this.#hooks.unwatch(r);
    native.close(r);
    native.close(w);
  }

  // The pipe is readable: queue the handler of each signal number read (asyncio's _handle_signal).
  #drain = (): void => {
    const pipe = this.#pipe;
    if (!pipe) return;
    for (;;) {
      const n = native.read(pipe[0], this.#drainBuffer, 0, this.#drainBuffer.length);
      if (n <= 0) return; // EAGAIN: drained
      for (let i = 0; i < n; i++) {
        const handle = this.#handlers.get(this.#drainBuffer[i]);
        if (handle === undefined) continue;
        if (handle.cancelled()) this.remove(this.#drainBuffer[i], NUMBER_TO_NAME.get(this.#drainBuffer[i])!);
        else this.#hooks.enqueue(handle);
      }
    }
  };
}
