// The event masks the select module accepts on this OS, built from the addon's POLL*/EPOLL* constants.
import { C } from '../native';

/** Bits a poll mask may hold on this OS. */
export const POLL_MASK = Object.keys(C).filter((k) => k.startsWith('POLL')).reduce((m, k) => m | C[k], 0);

/** Bits an epoll mask may hold on this OS (EPOLL_CLOEXEC is a create flag, not an event). */
export const EPOLL_MASK = Object.keys(C)
  .filter((k) => k.startsWith('EPOLL') && !k.startsWith('EPOLL_'))
  .reduce((m, k) => (m | C[k]) >>> 0, 0);
