// The selector backends every backend-generic test runs against.
import { DefaultSelector, EpollSelector, IoUringSelector, KqueueSelector, PollSelector, SelectSelector, type SelectorClass } from '../../lib/selectors';

/**
 * Every backend, whether this OS and build has it or not (gate with whenAvailable). io_uring's
 * readiness selector keeps the same contract as the others.
 */
export const SELECTORS: readonly SelectorClass[] = [SelectSelector, PollSelector, EpollSelector, KqueueSelector, IoUringSelector];

/** The backends this OS and build has. */
export const AVAILABLE: readonly SelectorClass[] = SELECTORS.filter((cls) => cls.available);

/** [label, class] for each available backend, then DefaultSelector labelled with the class it is. */
export const AVAILABLE_AND_DEFAULT: ReadonlyArray<[string, SelectorClass]> = [
  ...AVAILABLE.map((cls): [string, SelectorClass] => [cls.name, cls]),
  [`DefaultSelector (${DefaultSelector.name})`, DefaultSelector],
];

/** Whether a backend waits on fds ≥ FD_SETSIZE: all but select(2). */
export function scalable(cls: SelectorClass): boolean {
  return cls !== SelectSelector;
}

/**
 * DefaultSelector's order of preference (docs/API.md): on Linux a kqueue is libkqueue, an
 * emulation over epoll, so epoll comes first there.
 */
export const PREFERRED: readonly SelectorClass[] = process.platform === 'linux'
  ? [EpollSelector, KqueueSelector, PollSelector, SelectSelector]
  : [KqueueSelector, EpollSelector, PollSelector, SelectSelector];
