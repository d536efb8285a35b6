// node:net clients for a server under test (an example, a fixture) on loopback, and waiting on a
// condition that another process makes true.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** node:net connections to loopback, each destroyed at destroyAll (call it in afterEach). */
export class NetClients {
  /** Every connection made since the last destroyAll, in order. */
  readonly open: net.Socket[] = [];

  /** A connection to 127.0.0.1:`port`, once connected. */
  connect(port: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const c = net.connect(port, '127.0.0.1', () => resolve(c));
      c.on('error', reject);
      this.open.push(c);
    });
  }

  /** Destroys every connection made so far. */
  destroyAll(): void {
    for (const c of this.open.splice(0)) c.destroy();
  }
}

/** Sends `msg` on `c` and resolves with what came back, or null when not all of it within `ms`. */
export function echoWithin(c: net.Socket, msg: string, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    let got = '';
    const timer = setTimeout(() => done(null), ms);
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.length >= msg.length) done(got);
    };
    const done = (v: string | null): void => {
      clearTimeout(timer);
      c.off('data', onData);
      resolve(v);
    };
    c.on('data', onData);
    c.write(msg);
  });
}

/** Checks `cond` every 50 ms until it holds or `ms` have passed; returns whether it held. */
export async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (cond()) return true;
  return cond();
}
