// The one place that closes fds whose owner was garbage-collected without close() (docs/DESIGN.md
// principle 7): sockets, epoll and kqueue objects, selectors. Thread teardown is covered apart,
// by the addon's owned set (native.own).
import { native } from './native';

const registry = new FinalizationRegistry<number>((fd) => {
  native.close(fd);
});

/** Closes `fd` when `owner` is collected, unless {@link forget} ran first. */
export function closeWhenCollected(owner: object, fd: number): void {
  registry.register(owner, fd, owner);
}

/** Stops watching `owner`: its fd is being closed or handed over explicitly. */
export function forget(owner: object): void {
  registry.unregister(owner);
}
