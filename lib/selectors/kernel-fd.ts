// The kernel object of an epoll or kqueue selector is an fd; if a selector is dropped without
// close(), this closes it when the selector is garbage-collected (DESIGN.md principle 7).
import { native } from '../native';

const registry = new FinalizationRegistry<number>((fd) => {
  native.close(fd);
});

/** Closes `fd` when `owner` is collected, unless `release(owner)` ran first. */
export function closeWhenCollected(owner: object, fd: number): void {
  registry.register(owner, fd, owner);
}

/** Stops watching `owner` (its fd is being closed explicitly). */
export function release(owner: object): void {
  registry.unregister(owner);
}
