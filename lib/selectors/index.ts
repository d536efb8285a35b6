// Python's selectors module (API.md, "iomux — selectors").
export { EVENT_READ, EVENT_WRITE, SelectorKey, BaseSelector } from './base';
export type { FileLike, SelectResult, SelectorMap } from './base';
export { SelectSelector } from './select';
export { PollSelector } from './poll';
export { EpollSelector } from './epoll';
export type { SelectorOptions } from './options';
export { KqueueSelector } from './kqueue';
export { IoUringSelector } from './uring';
export { DefaultSelector } from './default';
export type { SelectorClass } from './default';
