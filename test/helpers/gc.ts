// Garbage collection inside a test, for the finalizer checks (fds of objects dropped without
// close() are closed when the objects are collected).
import { fstatSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Collects garbage until `done()` holds or after `rounds` collections, letting finalizers run in
 * between. V8 runs FinalizationRegistry callbacks when it sees fit: under CI's load 20 rounds of
 * 10 ms once ended with three collected sockets' callbacks still not run, hence up to 2 s.
 */
export async function collectUntil(done: () => boolean, rounds = 100): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < rounds && !done(); i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A function listing which of `fds` are still open on the same file as now (a closed number may be reused by another file at once). */
export function trackOpen(fds: number[]): () => number[] {
  const inodes = fds.map((fd) => fstatSync(fd).ino);
  return () => fds.filter((fd, i) => {
    try {
      return fstatSync(fd).ino === inodes[i];
    } catch {
      return false;
    }
  });
}
