// The bench's C reference contenders beside c-epoll: c-epoll-mt (bench/contenders/c.c mt=1, one
// idle extra thread) and c-uring (bench/contenders/c-uring.c, raw io_uring), built the way the
// bench builds them (bench/lib/build.js) and each serving real round trips on loopback; the rows
// of a quick run; and `--syscalls`, which counts the servers' syscalls (strace or perf) and
// iomux's crossings into the addon per round trip.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runSync, start, type Child } from '../helpers/child';
import { when, whenUring } from '../helpers/platform';
import { row, type BenchRow } from './bench-rows';

const bench = path.join(ROOT, 'bin', 'iomux.js');
const cc = runSync('/bin/sh', ['-c', 'command -v cc']).stdout.trim();
const linuxCc = when(process.platform === 'linux' && cc !== '', 'needs Linux (epoll, /proc) and cc');
const has = (cmd: string): boolean => runSync('/bin/sh', ['-c', `command -v ${cmd}`]).status === 0;

interface Built {
  bins: Record<string, string>;
  errors: Record<string, string>;
}

/** The bench's own build of its C programs (into build/bench/, as `npm run bench` does). */
function buildC(): Built {
  const { build } = require(path.join(ROOT, 'bench', 'lib', 'build.js')) as { build: (log: (m: string) => void) => Built };
  return build(() => undefined);
}

/** Starts a C server and resolves with it and the port it announced. */
async function serve(bin: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ child: Child; port: number }> {
  const child = start(bin, args, { env });
  const line = await child.waitLine(/"port"/);
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

/** Sends `message` on a new loopback connection and resolves with the first `want` bytes that come back. */
function roundTrip(port: number, message: string, want: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(message));
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.length >= want) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('error', reject);
  });
}

const HTTP_REQUEST = 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n';
const HTTP_ANSWER = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\nhello';

/** Runs `npx iomux bench` from the repository with `args`; the rows of its --json file. */
function runBench(args: string[], env: NodeJS.ProcessEnv = process.env): { rows: BenchRow[]; meta: Record<string, unknown>; stdout: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomux-bench-c-'));
  try {
    const json = path.join(dir, 'out.json');
    const r = runSync(process.execPath, [bench, 'bench', ...args, '--json', json, '--svg', path.join(dir, 'out.svg')], { env, timeoutMs: 240_000 });
    expect({ status: r.status, errors: r.stderr.match(/ERROR.*/g) }).toEqual({ status: 0, errors: null });
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as { rows: BenchRow[]; meta: Record<string, unknown> };
    return { ...out, stdout: r.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

linuxCc.describe('the C contenders, built as the bench builds them', () => {
  let built: Built;
  beforeAll(() => {
    built = buildC();
  }, 120_000);

  test('c.c and c-uring.c compile without errors', () => {
    expect(built.errors).toEqual({});
    expect(Object.keys(built.bins).sort()).toEqual(['c', 'c-uring', 'echo-client', 'http-client']);
  });

  test.each([
    ['without mt=1: one thread', [], 1],
    ['with mt=1 (c-epoll-mt): one idle extra thread', ['mt=1'], 2],
  ])('c.c echo and HTTP %s, and it serves round trips', async (_what, extra, threads) => {
    for (const workload of ['echo', 'http']) {
      const { child, port } = await serve(built.bins.c, [`workload=${workload}`, 'backend=epoll', ...extra]);
      try {
        expect(fs.readdirSync(`/proc/${child.process.pid}/task`)).toHaveLength(threads);
        if (workload === 'echo') expect(await roundTrip(port, 'x'.repeat(64), 64)).toBe('x'.repeat(64));
        else expect(await roundTrip(port, HTTP_REQUEST, 2 * HTTP_ANSWER.length)).toBe(HTTP_ANSWER + HTTP_ANSWER);
      } finally {
        child.process.kill('SIGKILL');
        await child.exited;
      }
    }
  }, 30_000);

  whenUring.test('c-uring echoes 64 bytes and answers pipelined HTTP requests, on several connections at once', async () => {
    for (const workload of ['echo', 'http']) {
      const { child, port } = await serve(built.bins['c-uring'], [`workload=${workload}`]);
      try {
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (workload === 'echo'
            ? roundTrip(port, String(i).repeat(64), 64)
            : roundTrip(port, HTTP_REQUEST, 2 * HTTP_ANSWER.length))),
        );
        answers.forEach((a, i) => expect(a).toBe(workload === 'echo' ? String(i).repeat(64) : HTTP_ANSWER + HTTP_ANSWER));
      } finally {
        child.process.kill('SIGKILL');
        await child.exited;
      }
    }
  }, 30_000);

  // --syscalls runs three load generators against one server; each leaves with its 200
  // connections reset (SO_LINGER 0) while answers to them are in flight.
  async function servesInTurn(bin: string, args: string[]): Promise<void> {
    const { child, port } = await serve(bin, args);
    try {
      for (let i = 0; i < 4; i++) {
        const r = runSync(built.bins['echo-client'], [String(port), '200', '0', '0.15', String(child.process.pid)], { timeoutMs: 30_000 });
        expect({ run: i, status: r.status, stderr: r.stderr }).toEqual({ run: i, status: 0, stderr: '' });
        expect((JSON.parse(r.stdout) as { roundTrips: number }).roundTrips).toBeGreaterThan(0);
      }
    } finally {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  }
  const inTurn = 'serves load generator after load generator, 200 connections each, reset as each leaves';
  test(`c-epoll ${inTurn}`, () => servesInTurn(built.bins.c, ['workload=echo', 'backend=epoll']), 120_000);
  whenUring.test(`c-uring ${inTurn}`, () => servesInTurn(built.bins['c-uring'], ['workload=echo']), 120_000);
  test(`iomux-epoll-sync ${inTurn}`, () => servesInTurn(process.execPath, [path.join(ROOT, 'bench', 'contenders', 'iomux.js'), 'workload=echo', 'backend=epoll', 'mode=sync']), 120_000);

  test('c-uring with IOMUX_URING=0 says why in one line and exits 3', () => {
    const r = runSync(built.bins['c-uring'], ['workload=echo'], { env: { ...process.env, IOMUX_URING: '0' }, timeoutMs: 10_000 });
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({ status: 3, stderr: 'io_uring: IOMUX_URING=0 is set in the environment\n', stdout: '' });
  });
});

linuxCc.describe('the C contenders in a quick bench run', () => {
  test('c-epoll-mt (echo, HTTP), c-poll-mt (chain N=1000) and c-uring rows run; c-epoll-mt is rated against c-epoll', () => {
    const { rows } = runBench(['--quick', '--backends', 'epoll,poll,uring', '--fds', '1000', '--conns', '1', '--runs', '1', '--seconds', '0.1',
      '--only', '^(chain c-poll-mt|echo c-epoll|http c-epoll|echo c-uring|http c-uring)']);
    for (const w of ['echo', 'http']) {
      expect(row(rows, w, 'c-epoll-mt', { conns: 1 })).toMatchObject({ median: expect.any(Number), ratios: { c: { contender: 'c-epoll' } } });
      const uring = row(rows, w, 'c-uring', { conns: 1 });
      if (whenUring.runs) expect(uring).toMatchObject({ median: expect.any(Number), ratios: { c: { contender: 'c-epoll' } } });
      else expect(uring.na).toMatch(/^io_uring: /);
    }
    expect(row(rows, 'chain', 'c-poll-mt', { n: 1000, active: 100, writes: 1000 }).median).toBeGreaterThan(0);
  }, 240_000);

  test('with IOMUX_URING=0 the c-uring rows say why in one line and the others run', () => {
    const { rows } = runBench(['--quick', '--backends', 'epoll,uring', '--workloads', 'echo', '--conns', '1', '--runs', '1', '--seconds', '0.1', '--only', '^echo c-(uring|epoll) '],
      { ...process.env, IOMUX_URING: '0' });
    expect(row(rows, 'echo', 'c-uring', { conns: 1 }).na).toBe('io_uring: IOMUX_URING=0 is set in the environment');
    expect(row(rows, 'echo', 'c-epoll', { conns: 1 }).median).toBeGreaterThan(0);
  }, 240_000);
});

const SYSCALL_ROWS = ['--quick', '--syscalls', '--workloads', 'echo', '--conns', '1', '--seconds', '0.3', '--only', '^echo (c-epoll|iomux-epoll-sync) '];

linuxCc.describe('--syscalls: counted, not timed', () => {
  when(has('strace'), 'no strace on PATH').test('strace: C epoll echo costs a recv, a send and a share of a wait per round trip; iomux as many crossings', () => {
    const { rows, meta, stdout } = runBench(SYSCALL_ROWS);
    expect(meta.tracer).toBe('strace');
    const c = row(rows, 'echo', 'c-epoll', { conns: 1 });
    const byC = c.samples?.[0].bySyscall as Record<string, number>;
    // One connection in ping-pong: each round trip is one recvfrom and one sendto, and a wait.
    expect(byC.recvfrom).toBeCloseTo(1, 1);
    expect(byC.sendto).toBeCloseTo(1, 1);
    expect(c.extras?.syscalls).toBeGreaterThan(2.5);
    expect(c.extras?.syscalls).toBeLessThan(3.5);
    const js = row(rows, 'echo', 'iomux-epoll-sync', { conns: 1 });
    const fn = js.samples?.[0].byFunction as Record<string, number>;
    expect(fn.recv).toBeCloseTo(1, 1);
    expect(fn.send).toBeCloseTo(1, 1);
    expect(fn.epollWait).toBeCloseTo(1, 1);
    expect(js.extras?.crossings).toBeGreaterThan(2.5);
    expect(stdout).toMatch(/== echo: syscalls and crossings per round trip, lower is better ==/);
  }, 240_000);

  when(has('perf') && runSync('perf', ['trace', '-s', '--', 'true']).status === 0, 'no working perf trace here')
    .test('perf trace (IOMUX_BENCH_TRACER=perf) counts the same C server the same way', () => {
      const { rows, meta } = runBench(SYSCALL_ROWS.map((a) => a.replace('|iomux-epoll-sync', '')), { ...process.env, IOMUX_BENCH_TRACER: 'perf' });
      expect(meta.tracer).toBe('perf');
      const byC = row(rows, 'echo', 'c-epoll', { conns: 1 }).samples?.[0].bySyscall as Record<string, number>;
      expect(byC.recvfrom).toBeCloseTo(1, 1);
      expect(byC.sendto).toBeCloseTo(1, 1);
    }, 240_000);

  test('without a tracer the C row says why, and iomux still counts its crossings', () => {
    const { rows, stdout } = runBench(SYSCALL_ROWS, { ...process.env, IOMUX_BENCH_TRACER: 'none' });
    expect(row(rows, 'echo', 'c-epoll', { conns: 1 }).na).toBe('syscalls: — (IOMUX_BENCH_TRACER=none)');
    const js = row(rows, 'echo', 'iomux-epoll-sync', { conns: 1 });
    expect(js.extras?.crossings).toBeGreaterThan(2.5);
    expect(js.extras?.syscalls).toBeUndefined();
    expect(stdout).toMatch(/syscalls: — \(IOMUX_BENCH_TRACER=none\); crossings only/);
  }, 240_000);
});
