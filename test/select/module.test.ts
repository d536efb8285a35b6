import { fstatSync } from 'node:fs';
import * as sel from '../../lib/select';
import { runSync } from '../helpers/child';
import { collectUntil, trackOpen } from '../helpers/gc';
import { linuxOnly } from '../helpers/platform';

const linux = process.platform === 'linux';

function pythonConstants(prefixes: string[]): Record<string, number> {
  const r = runSync('python3', ['-c', `
import json, select, sys
print(json.dumps({k: getattr(select, k) for k in dir(select) if k.startswith(tuple(sys.argv[1:]))}))
`, ...prefixes]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Record<string, number>;
}

describe('constants', () => {
  test('PIPE_BUF, FD_SETSIZE and every POLL* constant Python has, with the same values', () => {
    const py = pythonConstants(['POLL', 'PIPE_BUF']);
    for (const [k, v] of Object.entries(py)) expect([k, (sel as Record<string, unknown>)[k]]).toEqual([k, v]);
    expect(sel.FD_SETSIZE).toBeGreaterThan(0);
  });

  linuxOnly.test('every EPOLL* constant Python has, with the same values', () => {
    const py = pythonConstants(['EPOLL']);
    expect(Object.keys(py).length).toBeGreaterThan(10);
    for (const [k, v] of Object.entries(py)) expect([k, (sel as Record<string, unknown>)[k]]).toEqual([k, v]);
  });

  test('a constant the OS lacks is undefined (typed number, documented as platform-only); the others are numbers', () => {
    const lacking = Object.entries(sel).filter(([, v]) => v === undefined).map(([k]) => k);
    for (const k of lacking) expect(k).toMatch(/^(POLL|EPOLL|KQ_)/);
    if (linux) expect(typeof sel.EPOLLIN).toBe('number');
    else expect(sel.EPOLLIN).toBeUndefined();
    expect(typeof sel.POLLIN).toBe('number');
  });
});

// Made in its own frame so that nothing in the test's frame keeps the object alive.
function forgottenEpollFd(): number {
  return sel.epoll().fileno();
}

linuxOnly.test('an epoll garbage-collected without close() has its fd closed by the finalizer', async () => {
  const fds = [forgottenEpollFd(), forgottenEpollFd(), forgottenEpollFd()];
  const stillOpen = trackOpen(fds);
  expect(stillOpen()).toEqual(fds);
  await collectUntil(() => stillOpen().length === 0);
  expect(stillOpen()).toEqual([]);
});

linuxOnly.test('close() cancels the finalizer: a collected, closed epoll does not close a reused fd number', async () => {
  const reused = (() => {
    const ep = sel.epoll();
    const fd = ep.fileno();
    ep.close();
    return [fd, sel.epoll()] as const; // likely reuses the number
  })();
  const [, keeper] = reused;
  const ino = fstatSync(keeper.fileno()).ino;
  await collectUntil(() => false, 5);
  expect(fstatSync(keeper.fileno()).ino).toBe(ino);
  keeper.close();
});
