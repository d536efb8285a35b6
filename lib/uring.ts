/**
 * iomux/uring: Linux io_uring, the asynchronous (completion) I/O model — operations are queued,
 * submitted in one syscall, and their results collected later. {@link Ring} is the whole API;
 * `IoUringSelector` (in the selectors) uses the same kernel object for readiness.
 * @packageDocumentation
 */
export { Ring } from './uring/ring';
export type { Completion, RingOptions } from './uring/ring';
