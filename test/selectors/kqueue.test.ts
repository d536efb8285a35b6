// KqueueSelector's own behaviour. Where kqueue is not built, only ERR_NOT_SUPPORTED is tested.
import { EVENT_READ, EVENT_WRITE, KqueueSelector } from '../../lib/selectors';
import { codeOf } from '../helpers/bad-input';
import { Resources } from '../helpers/fds';
import { whenKqueue } from '../helpers/platform';

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

  test('exclusive is not supported by kqueue', () => {
    expect(codeOf(() => new KqueueSelector({ exclusive: true }))).toBe('ERR_NOT_SUPPORTED');
  });
});
