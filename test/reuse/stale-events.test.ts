// A registered fd closed and its number taken by a new socket: no backend, no waiter thread and no
// EventLoop delivers the old file's readiness to the new registration — also when a dup keeps the
// old open file ready (epoll keeps a registration per open file, reporting it under the old fd
// number). Real sockets on every available backend.
import { EventLoop } from '../../lib/loop';
import { EVENT_READ, EVENT_WRITE, type SelectorClass } from '../../lib/selectors';
import { AVAILABLE } from '../helpers/backends';
import { expectNoFdLeaks, Resources } from '../helpers/fds';
import { keepOpenFile, newReaderGets, pairAt, readableOld, readablePair, reuseFdOf } from './reuse';

const res = new Resources();
afterEach(() => res.closeAll());
expectNoFdLeaks();

const onlyKeysOf = (results: Array<[{ fileobj: unknown }, number]>): Array<[unknown, number]> => results.map(([key, events]) => [key.fileobj, events]);

describe.each(AVAILABLE.map((cls): [string, SelectorClass] => [cls.name, cls]))('%s', (_name, Selector) => {
  test.each([
    ['unregister, close, reuse: the new socket is reported only when it is ready', () => readablePair(res)[0]],
    ['unregister, close, reuse while a dup keeps the old socket open and readable', () => readableOld(res, true)],
  ])('%s', (_name, makeOld) => {
    const sel = res.add(new Selector());
    const old = makeOld();
    sel.register(old, EVENT_READ);
    sel.unregister(old);
    const [sock, peer] = reuseFdOf(res, old);
    sel.register(sock, EVENT_READ);
    expect(sel.select(0)).toEqual([]);
    peer.send(Buffer.from('new'));
    expect(onlyKeysOf(sel.select(0))).toEqual([[sock, EVENT_READ]]);
  });

  // epoll: the old registration cannot be removed any more (its fd is closed) and the dup keeps it
  // alive; it reports "readable" under the number the new socket now has.
  test('closed before unregister, with a dup open and readable: its readiness never reaches the new key', () => {
    const sel = res.add(new Selector());
    const old = readableOld(res, true);
    const fd = old.fileno();
    sel.register(old, EVENT_READ);
    old.close();
    sel.unregister(old);
    const [sock, peer] = pairAt(res, fd);
    sel.register(sock, EVENT_READ | EVENT_WRITE);
    expect(onlyKeysOf(sel.select(0))).toEqual([[sock, EVENT_WRITE]]); // writable, not readable
    sel.modify(sock, EVENT_READ);
    expect(sel.select(0)).toEqual([]);
    const started = performance.now();
    expect(sel.select(0.05)).toEqual([]); // the whole wait: the old file's readiness does not end it
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    peer.send(Buffer.from('new'));
    expect(onlyKeysOf(sel.select(0))).toEqual([[sock, EVENT_READ]]);
    expect(sock.recv(10).toString()).toBe('new');
  });

  test('selectAsync armed before the reuse reports the new socket only once it is ready', async () => {
    const sel = res.add(new Selector());
    const [old, oldPeer] = res.socketpair();
    old.setblocking(false);
    keepOpenFile(res, old);
    sel.register(old, EVENT_READ);
    const started = performance.now();
    const pending = sel.selectAsync(5);
    oldPeer.send(Buffer.from('old')); // the waiter (or the kernel watch) may see this
    sel.unregister(old);
    const [sock, peer] = reuseFdOf(res, old);
    sel.register(sock, EVENT_READ);
    setTimeout(() => peer.send(Buffer.from('new')), 100);
    const results = await pending;
    expect(onlyKeysOf(results)).toEqual([[sock, EVENT_READ]]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(sock.recv(10).toString()).toBe('new');
  });

  test('EventLoop: the old reader never runs; the new one runs when the new socket is readable', async () => {
    const loop = res.add(new EventLoop(res.add(new Selector())));
    const old = readableOld(res, true);
    const oldCalls: unknown[] = [];
    loop.addReader(old, (f) => oldCalls.push(f));
    loop.removeReader(old);
    const [sock, peer] = reuseFdOf(res, old);
    const got = (await newReaderGets(loop, sock, peer)).map(([f, , data]) => [f, data]);
    expect(oldCalls).toEqual([]);
    expect(got).toEqual([[sock, 'new']]);
  });
});
