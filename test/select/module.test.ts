import { spawnSync } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import * as sel from '../../lib/select';

const linux = process.platform === 'linux';

function pythonConstants(prefixes: string[]): Record<string, number> {
  const r = spawnSync('python3', ['-c', `
import json, select, sys
print(json.dumps({k: getattr(select, k) for k in dir(select) if k.startswith(tuple(sys.argv[1:]))}))
`, ...prefixes], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Record<string, number>;
}

describe('constants', () => {
  test('PIPE_BUF, FD_SETSIZE and every POLL* constant Python has, with the same values', () => {
    const py = pythonConstants(['POLL', 'PIPE_BUF']);
    for (const [k, v] of Object.entries(py)) expect([k, (sel as Record<string, unknown>)[k]]).toEqual([k, v]);
    expect(sel.FD_SETSIZE).toBeGreaterThan(0);
  });

  (linux ? test : test.skip)('every EPOLL* constant Python has, with the same values (Linux)', () => {
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

(linux ? test : test.skip)('an epoll garbage-collected without close() has its fd closed by the finalizer', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const fds = [forgottenEpollFd(), forgottenEpollFd(), forgottenEpollFd()];
  const inodes = fds.map((fd) => fstatSync(fd).ino);
  const stillOpen = () => fds.filter((fd, i) => {
    try {
      return fstatSync(fd).ino === inodes[i];
    } catch {
      return false;
    }
  });
  expect(stillOpen()).toEqual(fds);
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 20 && stillOpen().length > 0; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(stillOpen()).toEqual([]);
});

(linux ? test : test.skip)('close() cancels the finalizer: a collected, closed epoll does not close a reused fd number', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const reused = (() => {
    const ep = sel.epoll();
    const fd = ep.fileno();
    ep.close();
    return [fd, sel.epoll()] as const; // likely reuses the number
  })();
  const [, keeper] = reused;
  const ino = fstatSync(keeper.fileno()).ino;
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(fstatSync(keeper.fileno()).ino).toBe(ino);
  keeper.close();
});
