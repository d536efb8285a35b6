// Shared by the selector tests: the backends to run against, and fd bookkeeping.
import { readFileSync } from 'node:fs';
import * as os from '../../lib/os';
import {
  BaseSelector,
  DefaultSelector,
  EpollSelector,
  KqueueSelector,
  PollSelector,
  SelectSelector,
  IoUringSelector,
} from '../../lib/selectors';
import { socketpair, type Socket } from '../../lib/socket';

export interface SelectorCtor {
  new (): BaseSelector<unknown>;
  readonly available: boolean;
  readonly name: string;
}

export const CLASSES: SelectorCtor[] = [SelectSelector, PollSelector, EpollSelector, KqueueSelector];
// io_uring's readiness selector keeps the same contract (filtered out below where io_uring is unavailable).
CLASSES.push(IoUringSelector);

/** [label, class, scalable] for every available backend, then DefaultSelector. */
export const BACKENDS: Array<[string, SelectorCtor, boolean]> = [
  ...CLASSES.filter((cls) => cls.available).map((cls): [string, SelectorCtor, boolean] => [cls.name, cls, cls !== SelectSelector]),
  [`DefaultSelector (${DefaultSelector.name})`, DefaultSelector, DefaultSelector !== SelectSelector],
];

/** Closes what a test opened, whatever happened. */
export class Resources {
  readonly #closers: Array<() => void> = [];

  add(close: () => void): void {
    this.#closers.push(close);
  }

  selector<S extends { close(): void }>(sel: S): S {
    this.add(() => sel.close());
    return sel;
  }

  socketpair(): [Socket, Socket] {
    const pair = socketpair();
    this.add(() => pair[0].close());
    this.add(() => pair[1].close());
    return pair;
  }

  pipe(): [number, number] {
    const [r, w] = os.pipe();
    this.add(() => closeQuietly(r));
    this.add(() => closeQuietly(w));
    return [r, w];
  }

  fd(fd: number): number {
    this.add(() => closeQuietly(fd));
    return fd;
  }

  closeAll(): void {
    while (this.#closers.length) this.#closers.pop()!();
  }
}

/** Closes an fd unless already closed (a test may have closed it on purpose). */
export function closeQuietly(fd: number): void {
  try {
    os.close(fd);
  } catch (err) {
    if ((err as { code?: string }).code !== 'EBADF') throw err;
  }
}

/** The soft RLIMIT_NOFILE of this process. */
export function fdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line!.split(/\s+/)[3]);
}

/** Milliseconds spent in fn. */
export function timed<R>(fn: () => R): [R, number] {
  const t0 = performance.now();
  const result = fn();
  return [result, performance.now() - t0];
}

/** A number an fd of this process surely is not (closed just now; nothing else opens fds meanwhile). */
export function closedFd(): number {
  const [r, w] = os.pipe();
  os.close(w);
  os.close(r);
  return r;
}
