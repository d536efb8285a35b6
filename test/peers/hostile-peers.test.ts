// Hostile and broken peers (fixtures/peer.py, real loopback sockets, every loop bounded) against
// every server in examples/: one that sends a byte a second, one that never reads, one that
// resets (SO_LINGER 0) mid-transfer, half-closes in each direction, one that vanishes while the
// server sends. Each server meets them in turn; the bad connection must end (the server's fd
// count comes back), the server must live on, and a well-behaved client, connected throughout,
// must be served while each runs. The blocking server serves one client at a time by design:
// for it, the good client is served after each bad one instead of beside it.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killAll, listeningPort, NODE_TS, ROOT, start } from '../helpers/child';
import { fdCount } from '../helpers/fds';
import { echoWithin, NetClients, until } from '../helpers/net';

afterEach(killAll);

const PEER = path.join(__dirname, 'fixtures', 'peer.py');
const MODES = ['slow', 'halfclose-wr', 'halfclose-rd', 'reset', 'vanish', 'noread'];
// Resident memory the server may add while a peer that never reads keeps sending. RSS also holds
// garbage a busy machine's collector has not reached yet: CI's Node 24 run once measured 98 MB
// after 9.5 MB sent. A server that buffered what it cannot send would take in all the peer sends
// for 2 s (up to 256 MB; loopback moves hundreds of MB a second), and its `sent` would show it.
const MEMORY_BOUND_MB = 192;

const SERVERS: Array<[string, { concurrent: boolean }]> = [
  ['selectors-echo', { concurrent: true }],
  ['eventloop-beside-http', { concurrent: true }],
  ['select-server', { concurrent: true }],
  ['nonblocking-server', { concurrent: true }],
  ['signal-driven', { concurrent: true }],
  ['blocking-server', { concurrent: false }],
];

const clients = new NetClients();
afterEach(() => clients.destroyAll());

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

interface Peer {
  report: Promise<Record<string, unknown>>;
  /** Lets a `noread` peer go on to reset and exit. */
  release: () => void;
}

function peer(port: number, mode: string): Peer {
  const child = start('python3', [PEER, String(port), mode], { stdio: ['pipe', 'pipe', 'pipe'], timeoutMs: 30000 });
  // The report is the first line; a `noread` peer prints it and then holds on until released.
  const report = child.waitLine(/^\{/).then((line) => JSON.parse(line) as Record<string, unknown>);
  if (mode === 'noread') return { report, release: () => child.process.stdin!.end() };
  const exited = child.exited.then((r) => {
    if (r.status !== 0) throw new Error(`peer ${mode} exited ${r.status ?? r.signal}: ${r.stderr}`);
  });
  return { report: Promise.all([report, exited]).then(([r]) => r), release: () => child.process.stdin!.end() };
}

describe.each(SERVERS)('examples/%s', (name, { concurrent }) => {
  test(`meets each bad peer in turn (${MODES.join(', ')}): it ends, the server lives on, a good client is ${concurrent ? 'served beside it' : 'served after it'}`, async () => {
    const ex = start(process.execPath, [...NODE_TS, path.join(ROOT, 'examples', `${name}.ts`), '0']);
    const port = await listeningPort(ex);
    const pid = ex.process.pid!;
    const good = concurrent ? await clients.connect(port) : undefined;
    if (good) expect(await echoWithin(good, 'hello', 10000)).toBe('hello');
    const baseline = fdCount(pid);

    for (const mode of MODES) {
      const rssBefore = rssMB(pid);
      const p = peer(port, mode);
      if (mode === 'noread') {
        const r = await p.report; // it has sent what it could and now just holds on
        const grewMB = rssMB(pid) - rssBefore;
        expect({ mode, sent: r.sent, grewMB, bounded: grewMB < MEMORY_BOUND_MB }).toEqual({ mode, sent: r.sent, grewMB, bounded: true });
        if (good) expect({ mode, echo: await echoWithin(good, `beside ${mode}`, 5000) }).toEqual({ mode, echo: `beside ${mode}` });
        p.release();
      } else if (good) {
        await sleep(300); // the peer is at it now
        expect({ mode, echo: await echoWithin(good, `beside ${mode}`, 5000) }).toEqual({ mode, echo: `beside ${mode}` });
      }
      const r = await p.report;
      if (mode === 'slow') expect(r).toMatchObject({ echoed: 'slow' });
      if (mode === 'halfclose-wr') expect(r).toMatchObject({ echoed: true });
      // The bad connection has ended on the server's side too.
      const ended = await until(() => ex.process.exitCode !== null || fdCount(pid) <= baseline, 10000);
      expect({ mode, ended, exitCode: ex.process.exitCode, fds: fdCount(pid) - baseline, stderr: ex.stderr() }).toEqual({ mode, ended: true, exitCode: null, fds: 0, stderr: '' });
      if (!concurrent) {
        const next = await clients.connect(port);
        expect({ mode, echo: await echoWithin(next, `after ${mode}`, 5000) }).toEqual({ mode, echo: `after ${mode}` });
        next.destroy();
        await until(() => fdCount(pid) <= baseline, 5000);
      }
    }
    expect(ex.stderr()).toBe('');
  }, 120_000);
});
