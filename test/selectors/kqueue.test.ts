// KqueueSelector's own behaviour. Where kqueue is not built, only ERR_NOT_SUPPORTED is tested.
import { EVENT_READ, EVENT_WRITE, KqueueSelector } from '../../lib/selectors';
import { codeOf } from '../helpers/bad-input';
import { Resources } from '../helpers/fds';
import { whenKqueue } from '../helpers/platform';

const RW = EVENT_READ | EVENT_WRITE;
// kqueue on Linux is libkqueue, which returns at most 512 events per kevent call.
const CAP = process.platform === 'linux' ? 512 : Infinity;

const res = new Resources();
afterEach(() => res.closeAll());

test('KqueueSelector.available is a boolean and matches what construction does', () => {
  expect(typeof KqueueSelector.available).toBe('boolean');
  if (!KqueueSelector.available) expect(codeOf(() => new KqueueSelector())).toBe('ERR_NOT_SUPPORTED');
  else new KqueueSelector().close();
});

whenKqueue.describe('KqueueSelector', () => {
  test('READ and WRITE filters of one fd come back as one entry', () => {
    const s = res.add(new KqueueSelector());
    const [a, b] = res.socketpair();
    b.send(Buffer.from('x'));
    const key = s.register(a, EVENT_READ | EVENT_WRITE);
    expect(s.select(0)).toEqual([[key, EVENT_READ | EVENT_WRITE]]);
  });

  test('modify adds and deletes only the changed filters', () => {
    const s = res.add(new KqueueSelector());
    const [a, b] = res.socketpair();
    b.send(Buffer.from('x'));
    s.register(a, EVENT_READ);
    const k2 = s.modify(a, EVENT_WRITE);
    expect(s.select(0)).toEqual([[k2, EVENT_WRITE]]);
    const k3 = s.modify(a, EVENT_READ | EVENT_WRITE);
    expect(s.select(0)).toEqual([[k3, EVENT_READ | EVENT_WRITE]]);
  });

  test('edgeTriggered (EV_CLEAR): reported once per new readiness', () => {
    const s = res.add(new KqueueSelector({ edgeTriggered: true }));
    const [a, b] = res.socketpair();
    const key = s.register(a, EVENT_READ);
    b.send(Buffer.from('x'));
    expect(s.select(0)).toEqual([[key, EVENT_READ]]);
    expect(s.select(0)).toEqual([]);
  });

  // Every change but a delete-only one is refused by the kernel for a closed fd; a delete-only one
  // (both filters → one) cannot fail, so the selector checks the fd itself.
  test.each([
    [EVENT_READ, EVENT_WRITE],
    [EVENT_WRITE, EVENT_READ],
    [EVENT_READ, RW],
    [RW, EVENT_READ],
    [RW, EVENT_WRITE],
  ])('modify of a closed fd from events %i to %i: EBADF and the key is gone', (from, to) => {
    const s = res.add(new KqueueSelector());
    const [a] = res.socketpair();
    s.register(a, from);
    const fd = a.fileno();
    a.close();
    expect(codeOf(() => s.modify(fd, to))).toBe('EBADF');
    expect(s.getMap().size).toBe(0);
  });

  test(`more ready filters than one kevent call returns${CAP === Infinity ? '' : ` (libkqueue: ${CAP})`}: later selects report the rest`, () => {
    const s = res.add(new KqueueSelector());
    const pairs = 1200;
    const all = new Set<number>();
    for (let i = 0; i < pairs; i++) all.add(s.register(res.socketpair()[0], EVENT_WRITE).fd);
    const first = s.select(0);
    expect(first).toHaveLength(Math.min(pairs, CAP));
    // Level-triggered events not returned stay pending and come first next time.
    const seen = new Set(first.map(([key]) => key.fd));
    for (let i = 0; i < Math.ceil(pairs / Math.min(pairs, CAP)) && seen.size < pairs; i++) {
      for (const [key, events] of s.select(0)) {
        expect(events).toBe(EVENT_WRITE);
        seen.add(key.fd);
      }
    }
    expect(seen).toEqual(all);
  });

  test('exclusive is not supported by kqueue', () => {
    expect(codeOf(() => new KqueueSelector({ exclusive: true }))).toBe('ERR_NOT_SUPPORTED');
  });
});
