// Fds in tests: what this process has open, closing what a test opened whatever happened, and fd
// numbers that are surely closed or surely high.
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as os from '../../lib/os';
import { runSync, type ChildResult } from './child';
import { socketpair, type Socket } from '../../lib/socket';

/** The fds this process (or process `pid`) has open now, ascending (Linux: /proc/PID/fd; shared by all threads). */
export function openFds(pid: number | 'self' = 'self'): number[] {
  return readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
}

/** This process's open sockets, each as "FD socket:[INODE]" (Linux: /proc/self/fd), to compare before and after. */
export function openSockets(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      if (link.startsWith('socket:')) out.push(`${fd} ${link}`);
    } catch {
      // closed while listed (the directory's own fd)
    }
  }
  return out;
}

/** How many fds this process (or process `pid`) has open now (Linux). */
export function fdCount(pid: number | 'self' = 'self'): number {
  return openFds(pid).length;
}

/** Closes an fd unless already closed (a test may have closed it on purpose). */
export function closeQuietly(fd: number): void {
  try {
    os.close(fd);
  } catch (err) {
    if ((err as { code?: string }).code !== 'EBADF') throw err;
  }
}

/** Closes what a test opened, last opened first, whatever happened (call closeAll in afterEach). */
export class Resources {
  readonly #closers: Array<() => void> = [];

  /** Closes `thing` (a selector, socket, loop…) at closeAll; returns it. */
  add<T extends { close(): void }>(thing: T): T {
    this.#closers.push(() => thing.close());
    return thing;
  }

  /** Runs `close` at closeAll. */
  defer(close: () => void): void {
    this.#closers.push(close);
  }

  /** A connected AF_UNIX socketpair, both ends closed at closeAll. */
  socketpair(): [Socket, Socket] {
    const [a, b] = socketpair();
    return [this.add(a), this.add(b)];
  }

  /** A pipe [read end, write end]; each end closed at closeAll unless the test closed it. */
  pipe(): [number, number] {
    const [r, w] = os.pipe();
    return [this.fd(r), this.fd(w)];
  }

  /** Closes `fd` at closeAll unless the test closed it; returns it. */
  fd(fd: number): number {
    this.defer(() => closeQuietly(fd));
    return fd;
  }

  /** Closes everything added so far, last first. */
  closeAll(): void {
    while (this.#closers.length) this.#closers.pop()!();
  }
}

/** A number an fd of this process surely is not (closed just now; nothing else opens fds meanwhile). */
export function closedFd(): number {
  const [r, w] = os.pipe();
  os.close(w);
  os.close(r);
  return r;
}

/** Opens /dev/null until an fd ≥ `min` exists; returns that fd and a function closing them all. */
export function highFd(min: number): [number, () => void] {
  const opened: number[] = [];
  let fd = -1;
  try {
    do {
      fd = openSync('/dev/null', 'r');
      opened.push(fd);
    } while (fd < min);
  } catch (err) {
    for (const f of opened) closeSync(f);
    throw err;
  }
  return [fd, () => {
    for (const f of opened) closeSync(f);
  }];
}

/** The soft RLIMIT_NOFILE of this process (Linux: /proc/self/limits). */
export function fdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line!.split(/\s+/)[3]);
}

/**
 * Checks around each test of the calling file that it leaves no new fd open. With `exact`, also
 * that it closed none it did not open; without, fds Node closes meanwhile do not count.
 */
export function expectNoFdLeaks({ exact = false } = {}): void {
  let before: number[] = [];
  beforeEach(() => {
    before = openFds();
  });
  afterEach(() => {
    if (exact) expect(openFds()).toEqual(before);
    else expect(openFds().filter((fd) => !before.includes(fd))).toEqual([]);
  });
}

/**
 * Runs a python3 child that checks which of `fds` it still has (the same inode at the same number:
 * close-on-exec says none) and prints {"inherited": [those fds], "control": …}. The first fd is
 * also handed to the child on purpose as its fd 3, the positive control: `control` says whether
 * the child's check sees that one.
 */
export function inheritedByChild(fds: number[]): ChildResult {
  const script = `
import json, os, sys
pairs = json.loads(sys.argv[1])
def same(fd, ino):
    try:
        return os.fstat(fd).st_ino == ino
    except OSError:
        return False
print(json.dumps({"inherited": [fd for fd, ino in pairs if same(fd, ino)], "control": same(3, pairs[0][1])}))
`;
  const inodes = fds.map((fd) => [fd, fstatSync(fd).ino]);
  return runSync('python3', ['-c', script, JSON.stringify(inodes)], { stdio: ['ignore', 'pipe', 'pipe', fds[0]] });
}
