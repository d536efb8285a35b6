// examples/multicore.ts: an echo server in worker threads, each with its own EventLoop — a
// SO_REUSEPORT listening socket each, or (--exclusive) one shared socket on EPOLLEXCLUSIVE epolls.
// A python3 client (multicore-client.py) opens many connections at once and checks every byte;
// the workers' reports must add up to exactly the client's connections, each port once. With
// SO_REUSEPORT the kernel spreads connections over the sockets, so more than one worker serves
// some; an exclusive wakeup wakes one waiting worker, which accepts all that wait, so there only
// the total and the ports are checked. Shutdown (after --max-clients, or SIGTERM with clients still
// connected) ends every worker and leaves no socket or epoll open (the example checks /proc/self/fd).
import path from 'node:path';
import { C } from '../../lib/native';
import { run as runChild, succeeded } from '../helpers/child';
import { NetClients, echoWithin } from '../helpers/net';
import { linuxOnly, when, whenCommand } from '../helpers/platform';
import { killAll, run, START_TIMEOUT_MS, type Example } from './harness';

const clients = new NetClients();
afterEach(async () => {
  clients.destroyAll();
  await killAll();
});

const CLIENT = path.join(__dirname, 'multicore-client.py');
const CONNS = 60;
const withPython = whenCommand('python3');
const exclusive = process.platform === 'linux' && C.EPOLLEXCLUSIVE !== undefined;
const withExclusive = when(exclusive && withPython.runs, exclusive ? 'no python3 on PATH' : 'EPOLLEXCLUSIVE is Linux\'s');
const withReusePort = when(C.SO_REUSEPORT !== undefined && process.platform === 'linux' && withPython.runs, 'only Linux spreads connections over SO_REUSEPORT sockets (or no python3)');

interface Served {
  workers: Array<{ served: number; ports: number[] }>;
  total: number;
}

// The lines the main thread prints once every worker has stopped.
function served(ex: Example): Served {
  const workers = ex.lines.flatMap((l) => {
    const m = /^worker (\d+) served (\d+) clients from ports ([\d,]*)$/.exec(l);
    return m ? [{ served: Number(m[2]), ports: m[3] === '' ? [] : m[3].split(',').map(Number) }] : [];
  });
  const total = Number(/^served (\d+) clients in all$/.exec(ex.lines.find((l) => l.startsWith('served ')) ?? '')?.[1]);
  return { workers, total };
}

async function serveMany(args: string[]): Promise<{ ex: Example; seen: Served; ports: number[] }> {
  const ex = await run('multicore', ['0', ...args, '--max-clients', String(CONNS), '--peers']);
  const r = await runChild('python3', [CLIENT, String(ex.port), String(CONNS), '7']);
  succeeded(r, 'multicore-client.py');
  const out = r.json[0] as { conns: number; bytes: number; mismatched: number; ports: number[] };
  expect(out).toEqual({ conns: CONNS, bytes: expect.any(Number), mismatched: 0, ports: expect.any(Array) });
  expect(out.bytes).toBeGreaterThan(CONNS);
  expect(await ex.exited).toEqual({ code: 0, signal: null });
  expect(ex.stderr()).toBe('');
  expect(ex.lines).toContain('sockets and epolls left open: none');
  const seen = served(ex);
  // Every connection served once, none lost: the workers' ports are exactly the client's.
  expect(seen.total).toBe(CONNS);
  expect(seen.workers.reduce((n, w) => n + w.served, 0)).toBe(CONNS);
  expect(seen.workers.flatMap((w) => w.ports).sort()).toEqual([...out.ports].sort());
  return { ex, seen, ports: out.ports };
}

withReusePort.test(`SO_REUSEPORT: 3 workers, ${CONNS} python3 connections at once, every byte echoed, more than one worker served some, clean exit`, async () => {
  const { ex, seen } = await serveMany(['--workers', '3']);
  expect(ex.lines).toContain('3 workers, a SO_REUSEPORT listening socket each');
  expect(seen.workers).toHaveLength(3);
  expect(seen.workers.filter((w) => w.served > 0).length).toBeGreaterThan(1);
}, START_TIMEOUT_MS + 60000);

withExclusive.test(`--exclusive: 3 workers on one shared socket (EPOLLEXCLUSIVE), ${CONNS} connections, each accepted once and echoed, clean exit`, async () => {
  const { ex, seen } = await serveMany(['--workers', '3', '--exclusive']);
  expect(ex.lines).toContain('3 workers, one shared listening socket, EPOLLEXCLUSIVE');
  expect(seen.workers).toHaveLength(3);
}, START_TIMEOUT_MS + 60000);

describe.each(['SIGTERM', 'SIGINT'] as const)('%s', (signal) => {
  linuxOnly.test(`${signal} with clients still connected: every worker closes them and stops, exit 0, nothing left open`, async () => {
    const ex = await run('multicore', ['0', '--workers', '2']);
    const conns = await Promise.all([0, 1, 2, 3].map(() => clients.connect(ex.port)));
    for (const [i, c] of conns.entries()) expect(await echoWithin(c, `hi ${i}`, 10000)).toBe(`hi ${i}`);
    const ended = conns.map((c) => new Promise((resolve) => c.once('end', resolve)));
    ex.child.kill(signal);
    await Promise.all(ended);
    expect(await ex.exited).toEqual({ code: 0, signal: null });
    expect(ex.stderr()).toBe('');
    expect(ex.lines).toContain('served 4 clients in all');
    expect(ex.lines).toContain('sockets and epolls left open: none');
  }, START_TIMEOUT_MS + 30000);
});

test('a bad --workers prints the usage and exits 2', async () => {
  const ex = await run('multicore', ['0', '--workers', '0'], null);
  expect((await ex.exited).code).toBe(2);
  expect(ex.stderr()).toMatch(/^usage: .*multicore\.ts/);
}, START_TIMEOUT_MS);

when(!exclusive, 'EPOLLEXCLUSIVE is available here').test('--exclusive where EPOLLEXCLUSIVE is missing says it is not supported and exits 2', async () => {
  const ex = await run('multicore', ['0', '--exclusive'], null);
  expect((await ex.exited).code).toBe(2);
  expect(ex.stderr()).toMatch(/--exclusive: EPOLLEXCLUSIVE is not supported on/);
}, START_TIMEOUT_MS);
