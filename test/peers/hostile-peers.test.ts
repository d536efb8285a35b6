// Hostile and broken peers (fixtures/peer.py, real loopback sockets, every loop bounded) against
// every server in examples/: one that sends a byte a second, one that never reads, one that
// resets (SO_LINGER 0) mid-transfer, half-closes in each direction, one that vanishes while the
// server sends. Each server meets them in turn; the bad connection must end (the server's fd
// count comes back), the server must live on, and a well-behaved client, connected throughout,
// must be served while each runs. The blocking server serves one client at a time by design:
// for it, the good client is served after each bad one instead of beside it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fdCount, killAll, ROOT, start } from '../faults/harness';

afterEach(killAll);

const PEER = path.join(__dirname, 'fixtures', 'peer.py');
const MODES = ['slow', 'halfclose-wr', 'halfclose-rd', 'reset', 'vanish', 'noread'];
// Resident memory the server may add while a peer that never reads keeps sending.
const MEMORY_BOUND_MB = 64;

const SERVERS: Array<[string, { concurrent: boolean }]> = [
  ['selectors-echo', { concurrent: true }],
  ['eventloop-beside-http', { concurrent: true }],
  ['select-server', { concurrent: true }],
  ['nonblocking-server', { concurrent: true }],
  ['signal-driven', { concurrent: true }],
  ['blocking-server', { concurrent: false }],
];

const open: net.Socket[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.destroy();
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => resolve(c));
    c.on('error', reject);
    open.push(c);
  });
}

// Sends `msg` and resolves with what came back, or null when not all of it within `ms`.
function echo(c: net.Socket, msg: string, ms: number): Promise<string | null> {
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

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (cond()) return true;
  return cond();
}

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
  const child = spawn('python3', [PEER, String(port), mode], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const report = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    const poll = setInterval(() => {
      if (out.includes('\n')) {
        clearInterval(poll);
        resolve(JSON.parse(out.split('\n')[0]) as Record<string, unknown>);
      }
    }, 20);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (code !== 0) reject(new Error(`peer ${mode} exited ${code}: ${err}`));
      else resolve(JSON.parse(out.split('\n')[0]) as Record<string, unknown>);
    });
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    report,
    release: () => {
      child.stdin.end();
      void exited;
    },
  };
}

describe.each(SERVERS)('examples/%s', (name, { concurrent }) => {
  test(`meets each bad peer in turn (${MODES.join(', ')}): it ends, the server lives on, a good client is ${concurrent ? 'served beside it' : 'served after it'}`, async () => {
    const ex = start(process.execPath, ['-r', './scripts/register-ts.js', path.join(ROOT, 'examples', `${name}.ts`), '0']);
    const port = Number((await ex.waitLine(/listening on (\d+)/))[1]);
    const pid = ex.child.pid!;
    const good = concurrent ? await connect(port) : undefined;
    if (good) expect(await echo(good, 'hello', 10000)).toBe('hello');
    const baseline = fdCount(pid);

    for (const mode of MODES) {
      const rssBefore = rssMB(pid);
      const p = peer(port, mode);
      if (mode === 'noread') {
        const r = await p.report; // it has sent what it could and now just holds on
        const grewMB = rssMB(pid) - rssBefore;
        expect({ mode, sent: r.sent, grewMB, bounded: grewMB < MEMORY_BOUND_MB }).toEqual({ mode, sent: r.sent, grewMB, bounded: true });
        if (good) expect({ mode, echo: await echo(good, `beside ${mode}`, 5000) }).toEqual({ mode, echo: `beside ${mode}` });
        p.release();
      } else if (good) {
        await sleep(300); // the peer is at it now
        expect({ mode, echo: await echo(good, `beside ${mode}`, 5000) }).toEqual({ mode, echo: `beside ${mode}` });
      }
      const r = await p.report;
      if (mode === 'slow') expect(r).toMatchObject({ echoed: 'slow' });
      if (mode === 'halfclose-wr') expect(r).toMatchObject({ echoed: true });
      // The bad connection has ended on the server's side too.
      const ended = await until(() => ex.child.exitCode !== null || fdCount(pid) <= baseline, 10000);
      expect({ mode, ended, exitCode: ex.child.exitCode, fds: fdCount(pid) - baseline, stderr: ex.stderr() }).toEqual({ mode, ended: true, exitCode: null, fds: 0, stderr: '' });
      if (!concurrent) {
        const next = await connect(port);
        expect({ mode, echo: await echo(next, `after ${mode}`, 5000) }).toEqual({ mode, echo: `after ${mode}` });
        next.destroy();
        await until(() => fdCount(pid) <= baseline, 5000);
      }
    }
    expect(ex.stderr()).toBe('');
  }, 120_000);
});
