// Runs an example as a real child process (`node -r ./scripts/register-ts.js examples/<name>.ts`)
// and talks to it with real clients: node:net in this process, or python3 in a child of its own.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { NODE_TS, start } from '../helpers/child';

export { killAll } from '../helpers/child';

// Transpiling on load makes each start take a few seconds on a busy machine.
export const START_TIMEOUT_MS = 20000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Example {
  child: ChildProcess;
  /** The port from the `listening on <port>` line. */
  port: number;
  /** Every stdout line so far (it keeps growing). */
  lines: string[];
  stderr: () => string;
  /** Resolves with the first stdout line (seen or to come) that matches. */
  waitLine: (re: RegExp) => Promise<string>;
  exited: Promise<Exit>;
}

/** Starts examples/<name>.ts with `args` (and `env` added to ours); unless `waitFor` is null, resolves once it prints `listening on <port>`. */
export async function run(name: string, args: string[], waitFor: RegExp | null = /^listening on (\d+)$/, env: NodeJS.ProcessEnv = {}): Promise<Example> {
  const child = start(process.execPath, [...NODE_TS, `examples/${name}.ts`, ...args], { env: { ...process.env, ...env } });
  const exited = child.exited.then((r): Exit => ({ code: r.status, signal: r.signal }));
  const example: Example = { child: child.process, port: 0, lines: child.lines, stderr: child.stderr, waitLine: child.waitLine, exited };
  if (waitFor !== null) example.port = Number(waitFor.exec(await child.waitLine(waitFor))![1]);
  return example;
}

/** A deterministic payload of `n` bytes, the same one the python client builds. */
export function payload(n: number, seed = 0): Buffer {
  const buf = Buffer.alloc(n);
  for (let i = 0; i < n; i++) buf[i] = (i * 7 + 3 + seed) % 251;
  return buf;
}

/** A node:net client: connects, writes each chunk in turn, half-closes, and returns every byte that came back. */
export function netEcho(port: number, chunks: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    const conn = net.connect(port, '127.0.0.1', () => {
      for (const chunk of chunks) conn.write(chunk);
      conn.end();
    });
    conn.on('data', (data: Buffer) => got.push(data));
    conn.on('end', () => resolve(Buffer.concat(got)));
    conn.on('error', reject);
  });
}

/** A connected node:net socket, for tests that pace the conversation themselves. */
export function netConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(port, '127.0.0.1', () => resolve(conn));
    conn.on('error', reject);
  });
}

/** The next `n` bytes that arrive on `conn`. */
export function readBytes(conn: net.Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    let have = 0;
    const onData = (data: Buffer): void => {
      got.push(data);
      have += data.length;
      if (have >= n) {
        conn.off('data', onData);
        conn.off('error', reject);
        resolve(Buffer.concat(got));
      }
    };
    conn.on('data', onData);
    conn.on('error', reject);
  });
}

// Sends the payload from one thread while the main thread reads, so that a server that stops
// reading while its echo is pending (backpressure) cannot deadlock with this client.
const PYTHON_CLIENT = `
import socket, sys, threading
port, n, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
payload = bytes((i * 7 + 3 + seed) % 251 for i in range(n))
s = socket.create_connection(('127.0.0.1', port))
def send():
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
t = threading.Thread(target=send)
t.start()
chunks = []
while True:
    data = s.recv(65536)
    if not data:
        break
    chunks.append(data)
t.join()
s.close()
sys.stdout.buffer.write(b''.join(chunks))
`;

/** A python3 client in a process of its own: sends payload(n, seed), half-closes, returns every byte echoed. */
export async function pythonEcho(port: number, n: number, seed = 0): Promise<Buffer> {
  const r = await start('python3', ['-c', PYTHON_CLIENT, String(port), String(n), String(seed)]).exited;
  if (r.status !== 0) throw new Error(`python client exited ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdoutBytes;
}

/**
 * The checks every concurrent echo server passes: two node clients in an interleaved
 * conversation (which a one-at-a-time server would hang on), alongside a python client sending
 * `bigSize` bytes and a node client sending chunks; every byte is compared. Four clients in all.
 */
export async function checkConcurrentEcho(port: number, bigSize: number): Promise<void> {
  const a = await netConnect(port);
  const b = await netConnect(port);
  const big = pythonEcho(port, bigSize, 5);
  const chunks = [payload(3000, 1), Buffer.from('\n'), payload(7000, 2)];
  const small = netEcho(port, chunks);
  for (const round of ['1', '2', '3']) {
    for (const [conn, name] of [[a, 'a'], [b, 'b']] as const) {
      const msg = `${name}${round}:${'.'.repeat(100)}`;
      conn.write(msg);
      expect((await readBytes(conn, msg.length)).toString()).toBe(msg);
    }
  }
  const closed = [a, b].map((conn) => new Promise((resolve) => conn.on('close', resolve)));
  a.end();
  b.end();
  await Promise.all(closed);
  expect((await small).equals(Buffer.concat(chunks))).toBe(true);
  expect((await big).equals(payload(bigSize, 5))).toBe(true);
}
