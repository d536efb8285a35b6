// Closing kernel objects (epoll, kqueue) that the user forgot: a FinalizationRegistry closes the
// fd when its object is collected; close() unregisters it first. Thread teardown is covered by
// the addon's owned set (native.own).
import { native } from '../native';

const registry = new FinalizationRegistry<number>((fd) => {
  native.close(fd);
});

/** Arranges for `fd` to be closed if `holder` is collected while still open. */
export function adopt(holder: object, fd: number): void {
  registry.register(holder, fd, holder);
}

/** Closes `fd` now and cancels the finalizer. Returns the native close result. */
export function release(holder: object, fd: number): number {
  registry.unregister(holder);
  return native.close(fd);
}
