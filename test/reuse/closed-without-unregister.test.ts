// The common mistake: a socket closed without unregister (or removeReader), then a new socket that
// got the same fd registered. Where the old key's object provably no longer owns the fd (a closed
// Socket's fileno() is -1, or another number), the stale key is dropped and the new registration
// works; a key held by fd number cannot be judged: ERR_ALREADY_REGISTERED says what to do.
// docs/API.md: selectors ("A file closed without unregister") and EventLoop.
import { EventLoop } from '../../lib/loop';
import { EVENT_READ, EVENT_WRITE, type SelectorClass } from '../../lib/selectors';
import { AVAILABLE } from '../helpers/backends';
import { expectNoFdLeaks, Resources } from '../helpers/fds';
import { newReaderGets, readableOld, reuseFdOf } from './reuse';

const res = new Resources();
afterEach(() => res.closeAll());
expectNoFdLeaks();

const onlyKeysOf = (results: Array<[{ fileobj: unknown }, number]>): Array<[unknown, number]> => results.map(([key, events]) => [key.fileobj, events]);

describe.each(AVAILABLE.map((cls): [string, SelectorClass] => [cls.name, cls]))('%s', (_name, Selector) => {
  describe.each([
    ['', false],
    [', a dup keeping the old socket open and readable', true],
  ])('register after the old socket was closed without unregister%s', (_label, dup) => {
    test('drops the stale key; the new socket is reported, and only when ready', () => {
      const sel = res.add(new Selector());
      const old = readableOld(res, dup);
      const fd = old.fileno();
      sel.register(old, EVENT_READ | EVENT_WRITE, 'old');
      const [sock, peer] = reuseFdOf(res, old);
      const key = sel.register(sock, EVENT_READ, 'new');
      expect([key.fileobj, key.fd, key.data]).toEqual([sock, fd, 'new']);
      expect([...sel.getMap().values()]).toEqual([key]);
      expect(sel.getKey(sock)).toBe(key);
      expect(sel.select(0)).toEqual([]);
      peer.send(Buffer.from('new'));
      expect(onlyKeysOf(sel.select(0))).toEqual([[sock, EVENT_READ]]);
      sel.unregister(sock);
      expect(sel.getMap().size).toBe(0);
    });

    test('a key registered by fd number: ERR_ALREADY_REGISTERED says the fd may have been reused, and unregister(fd) then register works', () => {
      const sel = res.add(new Selector());
      const old = readableOld(res, dup);
      const fd = old.fileno();
      sel.register(fd, EVENT_READ);
      const [sock, peer] = reuseFdOf(res, old);
      let err: (Error & { code?: string }) | undefined;
      try {
        sel.register(sock, EVENT_READ);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.code).toBe('ERR_ALREADY_REGISTERED');
      expect(err?.message).toContain(`fd ${fd} is already registered`);
      expect(err?.message).toMatch(/closed and the number reused without unregister/);
      expect(err?.message).toContain(`unregister(${fd})`);
      sel.unregister(fd);
      sel.register(sock, EVENT_READ);
      expect(sel.select(0)).toEqual([]);
      peer.send(Buffer.from('new'));
      expect(onlyKeysOf(sel.select(0))).toEqual([[sock, EVENT_READ]]);
    });

    test('EventLoop.addReader on the reused fd fires; the old reader and writer never run', async () => {
      const loop = res.add(new EventLoop(res.add(new Selector())));
      const old = readableOld(res, dup);
      const oldCalls: string[] = [];
      loop.addReader(old, () => oldCalls.push('reader'));
      loop.addWriter(old, () => oldCalls.push('writer'));
      const [sock, peer] = reuseFdOf(res, old);
      const got = await newReaderGets(loop, sock, peer);
      expect(oldCalls).toEqual([]);
      expect(got).toEqual([[sock, EVENT_READ, 'new']]);
      expect(loop.removeWriter(sock)).toBe(false); // the old writer went with its key
      expect(loop.removeReader(sock)).toBe(true);
    });

    test('EventLoop.addReader by fd number, closed, reused: addReader of the new socket registers again and fires', async () => {
      const loop = res.add(new EventLoop(res.add(new Selector())));
      const old = readableOld(res, dup);
      const fd = old.fileno();
      const oldCalls: string[] = [];
      loop.addReader(fd, () => oldCalls.push('reader'));
      const [sock, peer] = reuseFdOf(res, old);
      const got = (await newReaderGets(loop, sock, peer)).map(([f, , data]) => [f, data]);
      expect(oldCalls).toEqual([]);
      expect(got).toEqual([[sock, 'new']]);
      expect(loop.removeReader(sock)).toBe(true);
    });

    test('EventLoop.addWriter on the reused fd fires', async () => {
      const loop = res.add(new EventLoop(res.add(new Selector())));
      const old = readableOld(res, dup);
      const oldCalls: string[] = [];
      loop.addReader(old, () => oldCalls.push('reader'));
      const [sock] = reuseFdOf(res, old);
      const got: unknown[] = [];
      loop.addWriter(sock, (f, mask) => {
        got.push([f, mask]);
        loop.stop();
      });
      await loop.run();
      expect(oldCalls).toEqual([]);
      expect(got).toEqual([[sock, EVENT_WRITE]]);
      loop.removeWriter(sock);
    });
  });

  test('a key whose object now reports another fd is stale too', () => {
    const sel = res.add(new Selector());
    const [first] = res.socketpair();
    const [second] = res.socketpair();
    let current = first.fileno();
    const moving = { fileno: () => current };
    sel.register(moving, EVENT_READ);
    current = second.fileno(); // e.g. a wrapper that reopened its file elsewhere
    const key = sel.register(first, EVENT_WRITE);
    expect([...sel.getMap().values()]).toEqual([key]);
    expect(onlyKeysOf(sel.select(0))).toEqual([[first, EVENT_WRITE]]);
  });

  test('an object that still owns the fd, or the same object again, stays ERR_ALREADY_REGISTERED (no reuse hint)', () => {
    const sel = res.add(new Selector());
    const [sock] = res.socketpair();
    sel.register(sock, EVENT_READ);
    const twin = { fileno: () => sock.fileno() };
    for (const again of [sock, twin]) {
      let err: (Error & { code?: string }) | undefined;
      try {
        sel.register(again, EVENT_READ);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.code).toBe('ERR_ALREADY_REGISTERED');
      expect(err?.message).toBe(`fd ${sock.fileno()} is already registered`);
    }
    expect(sel.getKey(sock).fileobj).toBe(sock);
  });

  test('a closed socket registered again is still ERR_ALREADY_REGISTERED (found by identity)', () => {
    const sel = res.add(new Selector());
    const [sock] = res.socketpair();
    sel.register(sock, EVENT_READ);
    sock.close();
    expect(() => sel.register(sock, EVENT_READ)).toThrow(expect.objectContaining({ code: 'ERR_ALREADY_REGISTERED' }));
    sel.unregister(sock);
  });
});
