// Shared by the async tests: the backends, fd bookkeeping, and running a fixture in a child.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { EpollSelector, KqueueSelector, PollSelector, SelectSelector, type BaseSelector } from '../../lib/selectors';
import { socketpair, type Socket } from '../../lib/socket';
import { IoUringSelector } from '../../lib/selectors';
import { Ring } from '../../lib/uring';
import * as os from '../../lib/os';

export interface SelectorClass {
  new (): BaseSelector<unknown>;
  readonly available: boolean;
  readonly name: string;
}

/** Every backend, with its label: unavailable ones say why they are skipped. */
export const BACKENDS: Array<[string, SelectorClass]> = [SelectSelector, PollSelector, EpollSelector, KqueueSelector].map(
  (cls): [string, SelectorClass] => [cls.available ? cls.name : `${cls.name} (skipped: not built on this OS)`, cls],
);
// selectAsync and EventLoop watch io_uring's ring fd as they watch an epoll fd.
BACKENDS.push([IoUringSelector.available ? 'IoUringSelector' : `IoUringSelector (skipped: ${Ring.unavailableReason})`, IoUringSelector]);

export const ROOT = path.resolve(__dirname, '../..');
export const FIXTURES = path.join(__dirname, 'fixtures');

/** Closes what a test opened, whatever happened. */
export class Resources {
  readonly #closers: Array<() => void> = [];

  add<T extends { close(): void }>(thing: T): T {
    this.#closers.push(() => thing.close());
    return thing;
  }

  socketpair(): [Socket, Socket] {
    const [a, b] = socketpair();
    this.add(a);
    this.add(b);
    return [a, b];
  }

  pipe(): [number, number] {
    const [r, w] = os.pipe();
    this.#closers.push(() => closeQuietly(r), () => closeQuietly(w));
    return [r, w];
  }

  closeAll(): void {
    while (this.#closers.length) this.#closers.pop()!();
  }
}

export function closeQuietly(fd: number): void {
  try {
    os.close(fd);
  } catch (err) {
    if ((err as { code?: string }).code !== 'EBADF') throw err;
  }
}

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: Array<Record<string, unknown>>;
}

function parse(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Node flags that let a plain-JS fixture require the TypeScript sources. */
export const NODE_TS = ['-r', path.join(ROOT, 'scripts/register-ts.js')];

/** Runs a fixture in `node -r register-ts` synchronously (the environment, IOMUX_ADDON included, is inherited). */
export function runNode(args: string[], timeoutMs = 30000, nodeFlags: string[] = []): ChildResult {
  const res = spawnSync(process.execPath, [...nodeFlags, ...NODE_TS, ...args], { encoding: 'utf8', timeout: timeoutMs, cwd: ROOT });
  return { status: res.status, signal: res.signal, stdout: res.stdout, stderr: res.stderr, lines: parse(res.stdout) };
}

/** Runs a command without blocking this process's event loop. */
export function runAsync(cmd: string, args: string[], timeoutMs = 60000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, lines: parse(stdout) });
    });
  });
}

/** [fd, events] pairs of select results, sorted by fd: comparable across calls. */
export function summary(results: Array<[{ fd: number }, number]>): Array<[number, number]> {
  return results.map(([key, ev]): [number, number] => [key.fd, ev]).sort((x, y) => x[0] - y[0]);
}

/** Whether a promise has settled by the time already-queued macrotasks ran (setImmediate). */
export async function settledAtOnce(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setImmediate(r));
  return settled;
}
