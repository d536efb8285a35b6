// The iomux side of the differential tests against CPython (test/selectors/oracle.test.ts, its
// scripted scenarios; test/fuzz, random ones): runs a step list through an iomux selector and
// gives each step's result or error category, as test/selectors/fixtures/oracle.py does for
// CPython's selectors. Every fd is non-blocking, as there.
import * as os from '../../lib/os';
import type { BaseSelector } from '../../lib/selectors';
import type { Socket } from '../../lib/socket';
import { socketpair } from '../../lib/socket';

/** One step: an op and its arguments (names of sockets or pipe ends, masks, data, sizes). */
export type Step = [string, ...unknown[]];
/** What a step gave: its value, or the category of its error. */
export type Result = { ok: unknown } | { err: string };

const SOCKET_OPS = new Set(['send', 'recv', 'fill', 'drain', 'shutdown']);

/** An error as the category oracle.py gives Python's: KeyError, ValueError, TypeError, Closed, or the errno name. */
export function category(err: unknown): string {
  const code = (err as { code?: string }).code ?? String(err);
  if (code === 'ERR_NOT_REGISTERED' || code === 'ERR_ALREADY_REGISTERED') return 'KeyError';
  if (code === 'ERR_INVALID_FD' || code === 'ERR_INVALID_ARG_VALUE') return 'ValueError';
  if (code === 'ERR_INVALID_ARG_TYPE') return 'TypeError';
  if (code === 'ERR_CLOSED') return 'Closed';
  return code;
}

/** Runs `steps` through iomux on a new `Selector`: one result per step, as oracle.py prints CPython's. */
export function runIomux(Selector: new () => BaseSelector<unknown>, steps: Step[]): Result[] {
  const sel = new Selector();
  const objs = new Map<string, Socket | number>();
  const fdName = new Map<number, string>();
  const keyOut = (key: { events: number; data: unknown }) => [key.events, key.data === undefined ? null : key.data];
  const fdOf = (o: Socket | number) => (typeof o === 'number' ? o : o.fileno());
  const readSome = (o: Socket | number, n: number) => (typeof o === 'number' ? os.read(o, n) : o.recv(n));

  const step = (op: string, args: unknown[]): unknown => {
    const obj = () => objs.get(args[0] as string)!;
    switch (op) {
      case 'socketpair': {
        socketpair().forEach((s, i) => {
          s.setBlocking(false);
          objs.set(args[i] as string, s);
          fdName.set(s.fileno(), args[i] as string);
        });
        return null;
      }
      case 'pipe': {
        os.pipe().forEach((fd, i) => {
          os.setBlocking(fd, false);
          objs.set(args[i] as string, fd);
          fdName.set(fd, args[i] as string);
        });
        return null;
      }
      case 'register':
        return keyOut(sel.register(obj(), args[1] as number, args[2]));
      case 'registerfd':
        return keyOut(sel.register(fdOf(obj()), args[1] as number));
      case 'registerraw':
        return keyOut(sel.register(args[0] as number, args[1] as number));
      case 'modify':
        return keyOut(sel.modify(obj(), args[1] as number, args[2]));
      case 'modifyraw':
        return keyOut(sel.modify(args[0] as number, args[1] as number));
      case 'unregister':
        return keyOut(sel.unregister(obj()));
      case 'unregisterraw':
        return keyOut(sel.unregister(args[0] as number));
      case 'getkey':
        return keyOut(sel.getKey(obj()));
      case 'map':
        return [...sel.getMap().keys()].map((fd) => fdName.get(fd)).sort();
      case 'select':
        return sel
          .select(args[0] as number)
          .map(([key, events]) => [fdName.get(key.fd), events])
          .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      case 'send':
        return (obj() as Socket).send(Buffer.from(args[1] as string, 'latin1'));
      case 'recv':
        return (obj() as Socket).recv(args[1] as number).toString('latin1');
      case 'write':
        return os.write(obj() as number, Buffer.from((args[1] as string).repeat((args[2] as number) ?? 1), 'latin1'));
      case 'read':
        return os.read(obj() as number, args[1] as number).length;
      case 'fill': {
        const o = obj();
        const chunk = Buffer.alloc(65536, 'x');
        for (;;) {
          try {
            if (typeof o === 'number') os.write(o, chunk);
            else o.send(chunk);
          } catch (err) {
            if ((err as { code?: string }).code === 'EAGAIN') return true;
            throw err;
          }
        }
      }
      case 'drain': {
        const o = obj();
        let total = 0;
        for (;;) {
          try {
            const data = readSome(o, 65536);
            if (data.length === 0) return total;
            total += data.length;
          } catch (err) {
            if ((err as { code?: string }).code === 'EAGAIN') return total;
            throw err;
          }
        }
      }
      case 'shutdown':
        (obj() as Socket).shutdown(args[1] as number);
        return null;
      case 'close': {
        const o = obj();
        if (typeof o === 'number') os.close(o);
        else o.close();
        return null;
      }
      case 'closesel':
        sel.close();
        return null;
      default:
        throw new Error(`unknown op ${op}`);
    }
  };

  const out: Result[] = [];
  try {
    for (const [op, ...args] of steps) {
      try {
        out.push({ ok: step(op, args) ?? null });
      } catch (err) {
        // A closed socket's own calls: iomux says ERR_CLOSED where Python's socket says EBADF
        // (docs/API.md, errors table): the same fact.
        const cat = category(err);
        out.push({ err: cat === 'Closed' && SOCKET_OPS.has(op) ? 'EBADF' : cat });
      }
    }
  } finally {
    sel.close();
    for (const o of objs.values()) {
      try {
        if (typeof o === 'number') os.close(o);
        else o.close();
      } catch {
        // already closed by the scenario
      }
    }
  }
  return out;
}
