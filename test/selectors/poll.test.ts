// PollSelector's own behaviour: the pollfd array changed in place, and POLLNVAL.
import * as os from '../../lib/os';
import { EVENT_READ, EVENT_WRITE, PollSelector } from '../../lib/selectors';
import { Resources } from '../helpers/fds';

const res = new Resources();
afterEach(() => res.closeAll());

describe('PollSelector', () => {
  test('unregistering from the middle keeps every other record right (swap-remove of pollfds)', () => {
    const s = res.add(new PollSelector());
    const pairs = Array.from({ length: 40 }, () => res.socketpair());
    pairs.forEach(([a], i) => s.register(a, i % 2 ? EVENT_WRITE : EVENT_READ, i));
    for (let i = 0; i < 40; i += 3) s.unregister(pairs[i][0]);
    for (let i = 1; i < 40; i += 5) if (s.getMap().has(pairs[i][0])) s.modify(pairs[i][0], EVENT_READ | EVENT_WRITE, i);
    pairs.forEach(([, b]) => b.send(Buffer.from('x')));
    const got = new Map(s.select(0).map(([k, ev]) => [k.data, ev]));
    const want = new Map<unknown, number>();
    for (const key of s.getMap().values()) want.set(key.data, key.events);
    expect(got).toEqual(want); // everything is readable and writable: exactly the registered events
    expect(got.size).toBe(40 - 14);
  });

  test('an fd closed while registered reports every registered direction (POLLNVAL), as in CPython', () => {
    const s = res.add(new PollSelector());
    const [r, w] = res.pipe();
    const key = s.register(r, EVENT_READ | EVENT_WRITE);
    os.close(r);
    os.close(w);
    expect(s.select(0)).toEqual([[key, EVENT_READ | EVENT_WRITE]]);
    expect(s.unregister(r)).toBe(key);
  });

  test('register and modify of a closed fd fail with EBADF (one fcntl), leaving no half-made registration', () => {
    const s = res.add(new PollSelector());
    const [r, w] = res.pipe();
    s.register(w, EVENT_WRITE);
    os.close(r);
    expect(() => s.register(r, EVENT_READ)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'fcntl' }));
    expect(s.getMap().size).toBe(1);
    expect(s.select(0)).toHaveLength(1);
  });
});
