// `iomux bench`'s command line and its C HTTP load generator, from the repository (the packed and
// installed package runs end to end in pack.test.ts): wrong options fail with the usage, and
// bench/clients/http-client.c reads Content-Length and chunked answers and refuses what it cannot
// measure, against real node:http servers on loopback.
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runSync, start } from '../helpers/child';
import { when } from '../helpers/platform';

const bin = path.join(ROOT, 'bin', 'iomux.js');
const cc = runSync('/bin/sh', ['-c', 'command -v cc']).stdout.trim();

describe('npx iomux bench: the command line', () => {
  test.each([
    [['--runs', '0'], /--runs: "0" is not a positive integer/],
    [['--runs'], /--runs needs a value/],
    [['--fds', '100,x'], /--fds: "x" is not a positive integer/],
    [['--seconds=-1'], /--seconds: "-1" is not a positive number/],
    [['--backends', 'epoll,iocp'], /--backends: iocp not one of epoll, poll, select, kqueue, uring/],
    [['--workloads', ''], /--workloads: \(empty\) not one of/],
    [['--quick', '--full'], /--quick and --full exclude each other/],
    [['--server', 'node s.js', '--workloads', 'chain'], /--server runs under the echo or http load generator, not chain/],
    [['--syscalls', '--workloads', 'chain,tcpchain'], /--syscalls counts the echo and http servers, not chain, tcpchain/],
    [['--only', '('], /--only "\(": Invalid regular expression/],
    [['--colour'], /unknown option --colour/],
    [['extra'], /unknown option extra/],
  ])('%j fails with status 2, the reason and the usage', (args, reason) => {
    const r = runSync(process.execPath, [bin, 'bench', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toContain('usage: iomux bench [options]');
    expect(r.stdout).toBe('');
  });

  test('--help prints the usage and runs nothing', () => {
    const r = runSync(process.execPath, [bin, 'bench', '--help']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^usage: iomux bench \[options\]\n[\s\S]*--server CMD/);
  });

  test('an unknown command fails with status 2 and the usage; no command prints the usage', () => {
    const bad = runSync(process.execPath, [bin, 'benchmark']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^iomux: unknown command "benchmark"\nusage: npx iomux <command>/);
    const none = runSync(process.execPath, [bin]);
    expect({ status: none.status, out: none.stdout }).toEqual({ status: 0, out: expect.stringMatching(/^usage: npx iomux <command>/) });
    const noExample = runSync(process.execPath, [bin, 'example', 'nosuch']);
    expect(noExample.status).toBe(2);
    expect(noExample.stderr).toMatch(/^iomux: no example "nosuch"; there are: .*\nusage: npx iomux <command>/);
  });

  when(process.platform === 'linux' && cc !== '', 'needs Linux and cc')
    .test('--server: leading NAME=value words reach the server as its environment, quoted as in the shell', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomux-server-env-'));
      try {
        // An echo server on $PORT that exits at once unless both variables came through whole.
        fs.writeFileSync(path.join(dir, 'server.js'), `
          if (process.env.GREETING !== 'a b' || process.env.OTHER !== '1') process.exit(3);
          require('node:net').createServer((c) => c.pipe(c)).listen(Number(process.env.PORT), '127.0.0.1');`);
        const r = runSync(process.execPath, [bin, 'bench', '--server', `GREETING='a b' OTHER=1 node ${path.join(dir, 'server.js')}`, '--workloads', 'echo',
          '--only', '^echo server1 ', '--conns', '1', '--runs', '1', '--seconds', '0.1', '--json', path.join(dir, 'out.json')], { timeoutMs: 120_000 });
        expect({ status: r.status, errors: r.stderr.match(/ERROR.*/g) }).toEqual({ status: 0, errors: null });
        const rows = (JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8')) as { rows: Array<{ contender: string; median?: number; na?: string }> }).rows;
        expect(rows.find((x) => x.contender === 'server1')).toMatchObject({ median: expect.any(Number) });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);

  test('version prints the package version', () => {
    const r = runSync(process.execPath, [bin, 'version']);
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});

/** A node:http server on loopback answering every request with `handler`; its port and a close function. */
async function server(handler: http.RequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    port: (s.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    }),
  };
}

when(process.platform === 'linux' && cc !== '', 'needs Linux (epoll, /proc) and cc').describe('bench/clients/http-client.c', () => {
  let dir = '';
  let client = '';

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomux-http-client-'));
    client = path.join(dir, 'http-client');
    const r = runSync(cc, ['-O2', '-Wall', '-Werror', '-o', client, path.join(ROOT, 'bench', 'clients', 'http-client.c')]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the client (in a child: this process serves) for 0.3 s against `port`; its result. */
  async function load(port: number, conns = 4) {
    const child = start(client, [String(port), String(conns), '0.05', '0.3', String(process.pid)]);
    return child.exited;
  }

  test.each([
    ['Content-Length', (_req: http.IncomingMessage, res: http.ServerResponse) => res.end('hello')],
    ['chunked', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.write('hel');
      res.end('lo');
    }],
    ['an empty body (Content-Length: 0)', (_req: http.IncomingMessage, res: http.ServerResponse) => res.end()],
  ])('counts whole answers with %s, one request in flight per connection', async (_what, handler) => {
    let served = 0;
    const s = await server((req, res) => {
      served++;
      handler(req, res);
    });
    try {
      const r = await load(s.port);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      const out = r.json[0] as { requests: number; seconds: number; rate: number; p50Us: number; serverCpuS: number };
      expect(out.requests).toBeGreaterThan(0);
      // Answers counted in the measured window never exceed the requests the server saw.
      expect(out.requests).toBeLessThanOrEqual(served);
      expect(out.seconds).toBeGreaterThan(0.25);
      expect(out.p50Us).toBeGreaterThan(0);
      expect(out.serverCpuS).toBeGreaterThanOrEqual(0);
    } finally {
      await s.close();
    }
  }, 30_000);

  test('a server that closes its connections is an error saying keep-alive is needed', async () => {
    const s = await server((_req, res) => {
      res.setHeader('Connection', 'close');
      res.end('bye');
    });
    try {
      const r = await load(s.port, 1);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/closed a connection: the load generator needs keep-alive/);
    } finally {
      await s.close();
    }
  }, 30_000);

  test('an answer that is not HTTP is an error', async () => {
    // The client exits with SO_LINGER 0: its connection ends in a reset, which is expected here.
    const s = net.createServer((c) => c.on('data', () => c.write('SSH-2.0-nope\r\n\r\n')).on('error', () => c.destroy()));
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    try {
      const r = await load((s.address() as AddressInfo).port, 1);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/not HTTP\/1\.x/);
    } finally {
      await new Promise((resolve) => s.close(resolve));
    }
  }, 30_000);
});
