// Gates for tests that run only on some platforms or builds. A gated test is always declared, so
// the count stays the same everywhere; where it cannot run it is skipped with the reason in its
// name: `linuxOnly.test('x', fn)` is 'x' on Linux and 'x (skipped: not Linux)' elsewhere.
import { readFileSync } from 'node:fs';
import { EpollSelector, KqueueSelector, type SelectorClass } from '../../lib/selectors';
import { AF_INET6, SOCK_STREAM, socket } from '../../lib/socket';
import { Ring } from '../../lib/uring';
import { runSync } from './child';

/** Declares tests that run only where a condition holds. */
export interface Gate {
  /** Whether the gated tests run here. */
  readonly runs: boolean;
  /** `name`, with ` (skipped: <reason>)` added where the gate skips. */
  name(name: string): string;
  /** `test`, or `test.skip` with the reason in the name. */
  test(name: string, fn: jest.ProvidesCallback, timeoutMs?: number): void;
  /** `describe`, or `describe.skip` with the reason in the name. */
  describe(name: string, fn: () => void): void;
}

/** A gate that runs its tests when `runs` holds, else skips them saying `reason`. */
export function when(runs: boolean, reason: string): Gate {
  const name = (n: string): string => (runs ? n : `${n} (skipped: ${reason})`);
  return {
    runs,
    name,
    test: (n, fn, timeoutMs) => (runs ? test : test.skip)(name(n), fn, timeoutMs),
    describe: (n, fn) => (runs ? describe : describe.skip)(name(n), fn),
  };
}

const linux = process.platform === 'linux';

/** No condition: for a table of cases of which only some are gated. */
export const everywhere = when(true, '');
/** Linux only (epoll, /proc/self/fd, abstract socket names). */
export const linuxOnly = when(linux, 'not Linux');
/** Where epoll exists (Linux). */
export const whenEpoll = when(EpollSelector.available, 'epoll exists only on Linux');
/** Where epoll does not exist (what such an OS does). */
export const withoutEpoll = when(!EpollSelector.available, 'epoll exists here');
/** Where kqueue is built (the BSDs, macOS, or Linux with a system libkqueue). */
export const whenKqueue = when(KqueueSelector.available, 'kqueue is not built: no system libkqueue');
/** Where kqueue is not built (what such a build does). */
export const withoutKqueue = when(!KqueueSelector.available, 'kqueue is built');

/** Where io_uring is usable (not where IOMUX_URING=0, kernel.io_uring_disabled, a seccomp profile or the OS forbid it). */
export const whenUring = when(Ring.available, `io_uring unavailable: ${Ring.unavailableReason}`);

/** Whether an IPv6 socket can bind `::1` here (containers often have no IPv6 loopback). */
export const hasIpv6Loopback = ((): boolean => {
  try {
    const s = socket(AF_INET6, SOCK_STREAM);
    try {
      s.bind(['::1', 0]);
      return true;
    } finally {
      s.close();
    }
  } catch {
    return false;
  }
})();

/** Where a command can be run (`cmd --version` succeeds): python3 for the CPython oracles and peers, cmake… */
export function whenCommand(cmd: string): Gate {
  let runs: boolean;
  try {
    runs = runSync(cmd, ['--version']).status === 0;
  } catch {
    runs = false; // not on PATH
  }
  return when(runs, `no ${cmd} on PATH`);
}

/** Where a selector backend exists on this OS and build. */
export function whenAvailable(cls: SelectorClass): Gate {
  return when(cls.available, 'not available on this OS or build');
}

/** Whether /etc/hosts lists `name`: then resolving it asks no DNS server (for a gate on the machine's own name). */
export function inEtcHosts(name: string): boolean {
  try {
    return readFileSync('/etc/hosts', 'utf8').split('\n').some((line) => line.replace(/#.*/, '').trim().split(/\s+/).slice(1).includes(name));
  } catch {
    return false;
  }
}
