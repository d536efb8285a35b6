// DefaultSelector: the best backend this OS and build offer, chosen once at load, or the one
// IOMUX_SELECTOR names (docs/API.md, "IOMUX_SELECTOR").
import { selectorNotAvailable } from '../errors';
import type { FileLike } from '../validate';
import type { BaseSelector } from './base';
import { EpollSelector } from './epoll';
import { KqueueSelector } from './kqueue';
import type { SelectorOptions } from './options';
import { PollSelector } from './poll';
import { SelectSelector } from './select';
import { IoUringSelector } from './uring';

/** The constructor type of every selector class (`EpollSelector`, …, and `DefaultSelector`). */
export interface SelectorClass {
  /**
   * A new selector; `T` is the type of each key's `data`, `F` of its `fileobj`.
   * @param options - the opt-in kernel modes; a backend without one throws `ERR_NOT_SUPPORTED`
   */
  new <T = unknown, F extends FileLike = FileLike>(options?: SelectorOptions): BaseSelector<T, F>;
  /** Whether this backend exists on this OS and build. */
  readonly available: boolean;
  /** The class's name, e.g. `EpollSelector`. */
  readonly name: string;
}

/** The values `IOMUX_SELECTOR` accepts, and the class each names. */
const BY_NAME: Record<string, SelectorClass> = {
  kqueue: KqueueSelector,
  epoll: EpollSelector,
  poll: PollSelector,
  select: SelectSelector,
  uring: IoUringSelector, // opt-in only: never chosen by default (docs/API.md, IoUringSelector)
};

// Best first. On Linux a kqueue is libkqueue (built when the system has it), an emulation over
// epoll that returns at most 512 events per call: epoll goes first there.
const PREFERRED = process.platform === 'linux'
  ? [EpollSelector, KqueueSelector, PollSelector]
  : [KqueueSelector, EpollSelector, PollSelector];

// Stands in for DefaultSelector when IOMUX_SELECTOR names an unknown or unavailable backend:
// the program fails at its first `new DefaultSelector()` instead of running on another backend.
function refusing(value: string, name: string): SelectorClass {
  const available = Object.keys(BY_NAME).filter((key) => BY_NAME[key].available);
  const cls = function () {
    throw selectorNotAvailable(value, available);
  };
  Object.defineProperty(cls, 'name', { value: name });
  Object.defineProperty(cls, 'available', { value: false });
  return cls as unknown as SelectorClass;
}

/** The class `IOMUX_SELECTOR` (in `env`) asks for, or the best available. */
export function chooseSelector(env: NodeJS.ProcessEnv = process.env): SelectorClass {
  const raw = env.IOMUX_SELECTOR;
  const forced = raw?.trim().toLowerCase();
  if (forced) {
    const cls = Object.hasOwn(BY_NAME, forced) ? BY_NAME[forced] : undefined;
    if (cls?.available) return cls;
    return refusing(raw!, cls?.name ?? 'DefaultSelector');
  }
  return PREFERRED.find((cls) => cls.available) ?? SelectSelector;
}

/**
 * The most efficient selector available, chosen at load: epoll > kqueue > poll > select on Linux
 * (kqueue there is libkqueue, an emulation over epoll), kqueue > poll > select elsewhere. It
 * takes the options of the class it is ({@link SelectorOptions}).
 *
 * `IOMUX_SELECTOR=select|poll|epoll|kqueue|uring` in the environment forces the choice (to test
 * fallbacks; `uring`, {@link IoUringSelector}, is never chosen otherwise). A value that is
 * unknown, or names a backend this platform or build lacks, makes `new DefaultSelector()` throw
 * `ERR_NOT_SUPPORTED`, naming the value and the available backends.
 */
export const DefaultSelector: SelectorClass = chooseSelector();
/** An instance of {@link DefaultSelector}. */
export type DefaultSelector<T = unknown, F extends FileLike = FileLike> = BaseSelector<T, F>;
