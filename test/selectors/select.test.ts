// SelectSelector's own behaviour: FD_SETSIZE, and a closed registered fd.
import { C } from '../../lib/native';
import * as os from '../../lib/os';
import { EVENT_READ, EVENT_WRITE, SelectSelector } from '../../lib/selectors';
import { codeOf } from '../helpers/bad-input';
import { Resources } from '../helpers/fds';

const res = new Resources();
afterEach(() => res.closeAll());

describe('SelectSelector', () => {
  test('an fd >= FD_SETSIZE is refused at register with ERR_OUT_OF_RANGE, leaving no key', () => {
    const s = res.add(new SelectSelector());
    const [r, w] = res.pipe();
    s.register(r, EVENT_READ);
    let high = -1;
    while (high < C.FD_SETSIZE) high = res.fd(os.dup(w));
    expect(codeOf(() => s.register(high, EVENT_WRITE))).toBe('ERR_OUT_OF_RANGE');
    expect(s.getMap().has(high)).toBe(false);
    expect(s.getMap().size).toBe(1);
    os.write(w, Buffer.from('x'));
    expect(s.select(0)).toHaveLength(1);
  });

  test('a registered fd closed without unregister makes select fail with EBADF, as in CPython', () => {
    const s = res.add(new SelectSelector());
    const [r, w] = res.pipe();
    s.register(r, EVENT_READ);
    os.close(r);
    os.close(w);
    expect(codeOf(() => s.select(0))).toBe('EBADF');
    s.unregister(r);
    expect(s.select(0)).toEqual([]);
  });

  test('readers and writers are merged into one entry per fd', () => {
    const s = res.add(new SelectSelector());
    const pairs = Array.from({ length: 5 }, () => res.socketpair());
    const keys = pairs.map(([a], i) => s.register(a, EVENT_READ | EVENT_WRITE, i));
    pairs[1][1].send(Buffer.from('x'));
    pairs[3][1].send(Buffer.from('x'));
    const got = s.select(0);
    expect(got).toHaveLength(5);
    expect(new Map(got)).toEqual(new Map(keys.map((k, i) => [k, i === 1 || i === 3 ? EVENT_READ | EVENT_WRITE : EVENT_WRITE])));
  });
});
