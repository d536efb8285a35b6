// The constructor options of every selector: the opt-in kernel modes (epoll, kqueue have them).
import { invalidArgType, notSupported } from '../errors';
import { validateFlag } from '../validate';

/**
 * Opt-in modes of `EpollSelector` and `KqueueSelector` (both default to `false`: level-triggered).
 * Every selector class takes them, so that `new DefaultSelector(options)` type-checks whatever
 * class it is; a class without a mode throws `ERR_NOT_SUPPORTED` when it is asked for.
 */
export interface SelectorOptions {
  /**
   * Edge-triggered (`EPOLLET` / `EV_CLEAR`): an fd is reported once per change of readiness, not
   * while it stays ready, so the caller must read/write until `EAGAIN` before waiting again.
   */
  edgeTriggered?: boolean;
  /**
   * Exclusive wakeup (`EPOLLEXCLUSIVE`, Linux ≥ 4.5): when several epoll selectors watch one fd,
   * only one of them (or some) is woken. A modify then re-adds the fd (the kernel refuses
   * EPOLL_CTL_MOD on exclusive entries). Not available on kqueue (`ERR_NOT_SUPPORTED`).
   */
  exclusive?: boolean;
}

/** Reads the options object shared by EpollSelector and KqueueSelector. */
export function readOptions(options: unknown): { edgeTriggered: boolean; exclusive: boolean } {
  if (options === undefined) return { edgeTriggered: false, exclusive: false };
  if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'an object', options);
  const { edgeTriggered, exclusive } = options as SelectorOptions;
  return {
    edgeTriggered: edgeTriggered === undefined ? false : validateFlag(edgeTriggered, 'options.edgeTriggered'),
    exclusive: exclusive === undefined ? false : validateFlag(exclusive, 'options.exclusive'),
  };
}

/** For a backend with no opt-in mode (poll, select): checks `options`, refusing any mode turned on. */
export function refuseModes(options: unknown, backend: string): void {
  const { edgeTriggered, exclusive } = readOptions(options);
  if (edgeTriggered) throw notSupported(`edge-triggered mode on ${backend}`);
  if (exclusive) throw notSupported(`exclusive wakeup on ${backend}`);
}
