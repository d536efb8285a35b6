// loop.getaddrinfo / loop.getnameinfo on both loops (libuv's thread pool, never the loop's thread),
// and the loop operations that resolve host names first: sockConnect, sockSendto (asyncio's
// _ensure_resolved), createConnection and createServer (compared with CPython's asyncio). Only
// names answered without DNS: 'localhost', numeric hosts, the machine's own name when /etc/hosts
// lists it, and names refused before any query.
import { EventLoop } from '../../lib/loop';
import { ProactorEventLoop } from '../../lib/proactor';
import {
  AF_INET, AF_INET6, AI_PASSIVE, NI_NUMERICHOST, NI_NUMERICSERV, SOCK_DGRAM, SOCK_STREAM, createServer, getaddrinfo, gethostname,
  getnameinfo, socket, type AddrInfo, type GetaddrinfoOptions,
} from '../../lib/socket';
import { Protocol } from '../../lib/transports/protocols';
import { rejection } from '../helpers/bad-input';
import { killAll, run, succeeded } from '../helpers/child';
import { everywhere, inEtcHosts, when, whenCommand, whenUring, type Gate } from '../helpers/platform';
import { closeAfterEach } from '../helpers/tracked';

afterEach(killAll);
const { track, nonblocking } = closeAfterEach();

const hostname = gethostname();
const listed = inEtcHosts(hostname);
// A name of this machine that resolves from /etc/hosts: its own name when listed, else 'localhost'.
const LOCAL_NAME = listed ? hostname : 'localhost';

type LoopClass = typeof EventLoop | typeof ProactorEventLoop;
const loops: Array<[string, LoopClass, Gate]> = [['EventLoop', EventLoop, everywhere], ['ProactorEventLoop', ProactorEventLoop, whenUring]];

for (const [name, Loop, gate] of loops) {
  gate.describe(`${name}: getaddrinfo and getnameinfo off the thread`, () => {
    test('the same results as socket.getaddrinfo / getnameinfo, options as Python\'s keywords', async () => {
      const loop = track(new Loop());
      const cases: Array<[string | null, number | string | null, GetaddrinfoOptions]> = [
        ['localhost', 80, {}],
        ['localhost', 'http', { family: AF_INET, type: SOCK_STREAM }],
        [null, 0, { type: SOCK_STREAM, flags: AI_PASSIVE }],
        ['::1', 443, { family: AF_INET6, type: SOCK_DGRAM }],
        [LOCAL_NAME, 8080, { proto: 17 }],
      ];
      for (const [host, port, o] of cases) {
        const want: AddrInfo[] = getaddrinfo(host, port, o.family, o.type, o.proto, o.flags);
        expect([host, port, o, await loop.getaddrinfo(host, port, o)]).toEqual([host, port, o, want]);
      }
      expect(await loop.getnameinfo(['127.0.0.1', 80])).toEqual(getnameinfo(['127.0.0.1', 80], 0));
      expect(await loop.getnameinfo(['::1', 22, 0, 0], NI_NUMERICHOST | NI_NUMERICSERV)).toEqual(['::1', '22']);
    });

    test('failures reject: EAI codes, a closed loop, an abort', async () => {
      const loop = new Loop();
      try {
        expect(await rejection(loop.getaddrinfo(' 127.0.0.1', 80))).toMatchObject({ code: 'EAI_NONAME', syscall: 'getaddrinfo', hostname: ' 127.0.0.1' });
        expect(await rejection(loop.getaddrinfo('127.0.0.1', 'no-such-service-x'))).toMatchObject({ code: 'EAI_SERVICE' });
        expect(await rejection(loop.getnameinfo(['localhost', 80]))).toMatchObject({ code: 'EAI_NONAME', syscall: 'getnameinfo' });
        expect(await rejection(loop.getaddrinfo('localhost', 80, { signal: AbortSignal.abort('x') }))).toMatchObject({ name: 'AbortError', cause: 'x' });
        // Aborted while the lookup runs: rejects at once; the lookup's own result is dropped.
        const ac = new AbortController();
        const p = loop.getaddrinfo(LOCAL_NAME, 80, { signal: ac.signal });
        ac.abort('late');
        expect(await rejection(p)).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: 'late' });
        const q = loop.getnameinfo(['127.0.0.1', 80], 0, { signal: ac.signal });
        expect(await rejection(q)).toMatchObject({ name: 'AbortError' });
      } finally {
        loop.close();
      }
      expect(await rejection(loop.getaddrinfo('localhost', 80))).toMatchObject({ code: 'ERR_CLOSED' });
      expect(await rejection(loop.getnameinfo(['127.0.0.1', 80]))).toMatchObject({ code: 'ERR_CLOSED' });
    });

    test('a lookup does not block the thread: a timer fires while lookups are pending', async () => {
      // A lookup that ran on this thread would have settled before any timer could fire; on the
      // thread pool, a 1 ms interval ticks while a batch is pending. Batches grow until it has.
      const loop = track(new Loop());
      let pending = 0;
      let ticksWhilePending = 0;
      const timer = setInterval(() => {
        if (pending > 0) ticksWhilePending++;
      }, 1);
      try {
        for (let round = 0; round < 12 && ticksWhilePending === 0; round++) {
          const hosts = [LOCAL_NAME, 'localhost', ' 127.0.0.1']; // the last fails (in the resolver, without DNS)
          const batch = Array.from({ length: 16 << Math.min(round, 6) }, (_, i) => {
            pending++;
            return loop.getaddrinfo(hosts[i % hosts.length], 80).then(() => undefined, () => undefined).finally(() => pending--);
          });
          await Promise.all(batch);
        }
      } finally {
        clearInterval(timer);
      }
      expect(ticksWhilePending).toBeGreaterThan(0);
    });

    test('sockConnect and sockSendto resolve a host name first (the socket\'s family, type and proto)', async () => {
      const loop = track(new Loop());
      const server = track(createServer(['127.0.0.1', 0]));
      const port = server.getsockname()[1];
      const running = loop.run();
      try {
        const c = nonblocking(socket(AF_INET));
        await loop.sockConnect(c, [LOCAL_NAME, port]);
        expect(c.getpeername()).toEqual(['127.0.0.1', port]);

        const rx = track(socket(AF_INET, SOCK_DGRAM));
        rx.bind(['127.0.0.1', 0]);
        const tx = nonblocking(socket(AF_INET, SOCK_DGRAM));
        expect(await loop.sockSendto(tx, Buffer.from('hi'), ['localhost', (rx.getsockname() as [string, number])[1]])).toBe(2);
        expect(rx.recvfrom(10)[0].toString()).toBe('hi');

        // A name that does not resolve, or an abort while it resolves: nothing is connected.
        const d = nonblocking(socket(AF_INET));
        expect(await rejection(loop.sockConnect(d, [' 127.0.0.1', port]))).toMatchObject({ code: 'EAI_NONAME' });
        const ac = new AbortController();
        const p = loop.sockConnect(d, [LOCAL_NAME, port], { signal: ac.signal });
        ac.abort();
        expect(await rejection(p)).toMatchObject({ name: 'AbortError' });
        expect(() => d.getpeername()).toThrow(expect.objectContaining({ code: 'ENOTCONN' }));
        // An IPv4 name for an AF_INET6 socket: the resolver's answer for that family.
        const e = nonblocking(socket(AF_INET6));
        expect((await rejection(loop.sockConnect(e, ['127.0.0.1', port]))).code).toMatch(/^EAI_/);
      } finally {
        loop.stop();
        await running;
      }
    });
  });
}

describe('EventLoop: createConnection and createServer with names', () => {
  test('createConnection to a name; a name that does not resolve rejects with its EAI code', async () => {
    const loop = track(new EventLoop());
    const server = track(createServer(['127.0.0.1', 0]));
    const port = server.getsockname()[1];
    const running = loop.run();
    try {
      const [transport] = await loop.createConnection(() => new Protocol(), LOCAL_NAME, port);
      expect(transport.getExtraInfo('peername')).toEqual(['127.0.0.1', port]);
      transport.abort();
      expect(await rejection(loop.createConnection(() => new Protocol(), ' 127.0.0.1', port))).toMatchObject({ code: 'EAI_NONAME' });
    } finally {
      loop.stop();
      await running;
    }
  });

  test('createConnection tries each address getaddrinfo gives in turn (a loop whose lookup answers ::1, then 127.0.0.1)', async () => {
    // The resolver of this subclass makes two real lookups and answers both: the first address
    // (::1, where nothing listens) is refused, the second connects, as asyncio goes on.
    class TwoAddressLoop extends EventLoop {
      override async getaddrinfo(_host: string | null, port: number | string | null, options?: GetaddrinfoOptions): Promise<AddrInfo[]> {
        return [...await super.getaddrinfo('::1', port, options), ...await super.getaddrinfo('127.0.0.1', port, options)];
      }
    }
    const loop = track(new TwoAddressLoop());
    const server = track(createServer(['127.0.0.1', 0]));
    const port = server.getsockname()[1];
    const running = loop.run();
    try {
      const [transport] = await loop.createConnection(() => new Protocol(), 'two-addresses', port);
      expect(transport.getExtraInfo('peername')).toEqual(['127.0.0.1', port]);
      transport.abort();
    } finally {
      loop.stop();
      await running;
    }
  });

  whenCommand('python3').test('createServer binds the addresses asyncio\'s create_server binds for the same hosts', async () => {
    const hosts = ['localhost', LOCAL_NAME, '127.0.0.1'];
    const script = [
      'import asyncio, json, sys',
      'async def main():',
      '    out = []',
      '    for h in json.loads(sys.argv[1]):',
      '        s = await asyncio.get_running_loop().create_server(asyncio.Protocol, h, 0)',
      '        out.append(sorted(x.getsockname()[0] for x in s.sockets))',
      '        s.close()',
      '    print(json.dumps(out))',
      'asyncio.run(main())',
    ].join('\n');
    const theirs = JSON.parse(succeeded(await run('python3', ['-c', script, JSON.stringify(hosts)], { timeoutMs: 30_000 }), 'asyncio create_server')) as string[][];
    const loop = track(new EventLoop());
    const mine: string[][] = [];
    for (const h of hosts) {
      const server = await loop.createServer(() => new Protocol(), h, 0);
      mine.push(server.sockets.map((s) => (s.getsockname() as [string, number])[0]).sort());
      server.close();
      await server.waitClosed();
    }
    expect(mine).toEqual(theirs);
  });
});

// The machine's own name is used above only when /etc/hosts lists it (else 'localhost' stands in).
when(listed, `this machine's name (${hostname}) is not in /etc/hosts`).test('this machine\'s name resolves from /etc/hosts', async () => {
  const loop = track(new EventLoop());
  expect((await loop.getaddrinfo(hostname, null, { family: AF_INET })).length).toBeGreaterThan(0);
});
