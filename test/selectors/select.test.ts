// SelectSelector's own behaviour: FD_SETSIZE, a closed registered fd, and its fd bitmaps kept in
// step with register/modify/unregister.
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

  test('register, modify and unregister of fds up to FD_SETSIZE - 1 change exactly what select watches', () => {
    const s = res.add(new SelectSelector());
    const [r, w] = res.pipe();
    let fd = -1;
    const dups: number[] = [];
    while (fd < C.FD_SETSIZE - 1) dups.push((fd = res.fd(os.dup(w)))); // writable, none readable
    const watched = dups.filter((d) => d % 32 === 0 || d % 32 === 31 || d % 7 === 0);
    for (const d of watched) s.register(d, EVENT_WRITE, d);
    s.register(r, EVENT_READ | EVENT_WRITE, r);
    const ready = () => new Map(s.select(0).map(([key, events]) => [key.fd, events]));
    expect(ready()).toEqual(new Map(watched.map((d) => [d, EVENT_WRITE])));
    // Half unregistered, some switched to reading (a write end is never readable), the pipe readable.
    const gone = watched.filter((_, i) => i % 2 === 0);
    for (const d of gone) s.unregister(d);
    const reading = watched.filter((_, i) => i % 4 === 1);
    for (const d of reading) s.modify(d, EVENT_READ, d);
    os.write(w, Buffer.from('x'));
    const left = watched.filter((d) => !gone.includes(d) && !reading.includes(d));
    expect(ready()).toEqual(new Map([...left.map((d): [number, number] => [d, EVENT_WRITE]), [r, EVENT_READ]]));
    for (const d of reading) s.modify(d, EVENT_READ | EVENT_WRITE, d);
    expect(ready()).toEqual(new Map([...left, ...reading].map((d): [number, number] => [d, EVENT_WRITE]).concat([[r, EVENT_READ]])));
  });

  test('selectAsync sees a registration made while it waits', async () => {
    const s = res.add(new SelectSelector());
    const [r] = res.pipe();
    s.register(r, EVENT_READ);
    const [, w] = res.pipe();
    const pending = s.selectAsync(5);
    s.register(w, EVENT_WRITE, 'w');
    const got = await pending;
    expect(got.map(([key, events]) => [key.data, events])).toEqual([['w', EVENT_WRITE]]);
  });
});
