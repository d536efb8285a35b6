// DefaultSelector: the best backend this OS and build offer, chosen once at load.
import type { BaseSelector } from './base';
import { EpollSelector } from './epoll';
import { KqueueSelector } from './kqueue';
import { PollSelector } from './poll';
import { SelectSelector } from './select';
import { IoUringSelector } from './uring';

/** The constructor type shared by every selector class DefaultSelector may be. */
export interface SelectorClass {
  /** A new selector. */
  new <T = unknown>(): BaseSelector<T>;
  /** Whether this backend exists on this OS and build. */
  readonly available: boolean;
  /** The class's name, e.g. `EpollSelector`. */
  readonly name: string;
}

const BY_NAME: Record<string, SelectorClass> = {
  kqueue: KqueueSelector,
  epoll: EpollSelector,
  poll: PollSelector,
  select: SelectSelector,
  uring: IoUringSelector, // opt-in only: never chosen by default (docs/API.md, IoUringSelector)
};

function choose(): SelectorClass {
  // IOMUX_SELECTOR forces the choice (to test fallbacks); an unavailable one then throws
  // ERR_NOT_SUPPORTED when constructed rather than being silently replaced.
  const forced = process.env.IOMUX_SELECTOR?.trim().toLowerCase();
  if (forced) {
    const cls = BY_NAME[forced];
    if (cls) return cls;
    process.emitWarning(`IOMUX_SELECTOR=${forced} is not one of ${Object.keys(BY_NAME).join(', ')}; ignored`);
  }
  return [KqueueSelector, EpollSelector, PollSelector].find((cls) => cls.available) ?? SelectSelector;
}

/**
 * The most efficient selector available (kqueue > epoll > poll > select), chosen at load;
 * `IOMUX_SELECTOR=select|poll|epoll|kqueue` in the environment forces the choice.
 * `IOMUX_SELECTOR=uring` selects {@link IoUringSelector}, which is never chosen otherwise.
 */
export const DefaultSelector: SelectorClass = choose();
/** An instance of {@link DefaultSelector}. */
export type DefaultSelector<T = unknown> = BaseSelector<T>;
