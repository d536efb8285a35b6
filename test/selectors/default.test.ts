// DefaultSelector: the best available backend, and IOMUX_SELECTOR forcing the choice.
import path from 'node:path';
import {
  BaseSelector,
  DefaultSelector,
  EpollSelector,
  KqueueSelector,
  PollSelector,
  SelectSelector,
} from '../../lib/selectors';
import { codeOf } from '../helpers/bad-input';
import { PREFERRED } from '../helpers/backends';
import { NODE_TS, runSync } from '../helpers/child';

function defaultIn(env: Record<string, string | undefined>): { name: string; error?: string } {
  const script = `const s = require(${JSON.stringify(path.join(__dirname, '../../lib/selectors/index.ts'))});
    let error; try { new s.DefaultSelector().close(); } catch (e) { error = e.code; }
    console.log(JSON.stringify({ name: s.DefaultSelector.name, error }));`;
  const child = runSync(process.execPath, [...NODE_TS, '-e', script], { env: { ...process.env, ...env } });
  return JSON.parse(child.stdout);
}

test('every class has a static boolean `available`; select is always there', () => {
  for (const cls of [SelectSelector, PollSelector, EpollSelector, KqueueSelector]) expect(typeof cls.available).toBe('boolean');
  expect(SelectSelector.available).toBe(true);
  expect(PollSelector.available).toBe(true);
  expect(EpollSelector.available).toBe(process.platform === 'linux');
});

test('without IOMUX_SELECTOR the best available is chosen: epoll > kqueue > poll > select on Linux, kqueue first elsewhere', () => {
  const best = PREFERRED.find((c) => c.available)!;
  expect(defaultIn({ IOMUX_SELECTOR: undefined })).toEqual({ name: best.name });
});

test.each([
  ['select', 'SelectSelector'],
  ['poll', 'PollSelector'],
  ['epoll', 'EpollSelector'],
  ['kqueue', 'KqueueSelector'],
])('IOMUX_SELECTOR=%s forces %s (an unavailable one throws ERR_NOT_SUPPORTED when constructed)', (env, name) => {
  const cls = { SelectSelector, PollSelector, EpollSelector, KqueueSelector }[name]!;
  expect(defaultIn({ IOMUX_SELECTOR: env })).toEqual(cls.available ? { name } : { name, error: 'ERR_NOT_SUPPORTED' });
});

test('DefaultSelector makes a working BaseSelector', () => {
  const s = new DefaultSelector();
  expect(s).toBeInstanceOf(BaseSelector);
  expect(s.select(0)).toEqual([]);
  s.close();
  expect(codeOf(() => s.select(0))).toBe('ERR_CLOSED');
});
