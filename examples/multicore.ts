// More than one core: an echo server in N worker threads, each with an iomux EventLoop of its own.
// By default each worker opens its own listening socket on the one port with SO_REUSEPORT
// (`loop.createServer(…, { reusePort: true })`) and the kernel spreads new connections over the
// sockets. With `--exclusive` the main thread opens one listening socket and every worker serves
// a dup of its fd on an epoll registered with EPOLLEXCLUSIVE (`new EpollSelector({ exclusive:
// true })`), so that a connection wakes one waiting worker instead of all of them (Linux only);
// exclusive wakeups do not spread the connections: the worker woken accepts all that are waiting.
// A JavaScript thread runs on one core at a time: threads, each with its own loop, are how one
// Node process uses several. Each worker reports what it served when the server stops: after
// `--max-clients` clients in all, or on SIGINT or SIGTERM.
//
//   node -r ./scripts/register-ts.js examples/multicore.ts [port] [--workers N] [--exclusive] [--max-clients N] [--peers]
//
// --workers defaults to the CPU count (os.availableParallelism()); --peers adds the client ports
// each worker served to its line.
import { readdirSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { EpollSelector, EventLoop, os, Protocol, socket, type Server, type Transport } from '../lib/index';

const USAGE = 'usage: node -r ./scripts/register-ts.js examples/multicore.ts [port] [--workers N] [--exclusive] [--max-clients N] [--peers]';

/** What the main thread tells a worker: where to listen, or the fd of the socket to share. */
interface Job {
  id: number;
  port: number;
  sharedFd?: number;
}

/** What a worker tells the main thread. */
type Report = { listening: number } | { served: 1 } | { done: true; served: number; peers: number[] };

// ---- a worker: one EventLoop, one listening socket, echo ----

/** Sends back every byte; stops reading while the client does not read its echo (flow control). */
class Echo extends Protocol {
  transport!: Transport;

  constructor(
    readonly open: Set<Transport>,
    readonly peers: number[],
  ) {
    super();
  }

  override connectionMade(transport: Transport): void {
    this.transport = transport;
    this.open.add(transport);
    this.peers.push((transport.getExtraInfo('peername') as [string, number])[1]);
  }

  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }

  override pauseWriting(): void {
    this.transport.pauseReading();
  }

  override resumeWriting(): void {
    this.transport.resumeReading();
  }

  override connectionLost(): void {
    this.open.delete(this.transport);
    post({ served: 1 });
  }
}

function post(report: Report): void {
  parentPort!.postMessage(report);
}

async function worker(job: Job): Promise<void> {
  const open = new Set<Transport>();
  const peers: number[] = [];
  const factory = (): Echo => new Echo(open, peers);
  let loop: EventLoop;
  let server: Server;
  if (job.sharedFd === undefined) {
    loop = new EventLoop();
    server = await loop.createServer(factory, '127.0.0.1', job.port, { reusePort: true, backlog: 128 });
  } else {
    // A socket of our own on the same open file: the main thread may close its fd whenever it likes.
    loop = new EventLoop(new EpollSelector({ exclusive: true }));
    server = await loop.createServer(factory, undefined, undefined, { sock: socket.Socket.fromfd(os.dup(job.sharedFd)), backlog: 128 });
  }
  const running = loop.run();
  post({ listening: (server.sockets[0].getsockname() as [string, number])[1] });
  await new Promise((resolve) => parentPort!.once('message', resolve)); // "stop"
  server.close(); // closes this worker's listening socket
  for (const t of open) t.close(); // clients still connected: flush what is buffered, then close
  await server.waitClosed();
  loop.stop();
  await running;
  loop.close();
  post({ done: true, served: peers.length, peers });
}

// ---- the main thread: starts the workers, counts clients, stops them ----

interface Options {
  port: number;
  workers: number;
  exclusive: boolean;
  maxClients: number;
  peers: boolean;
}

function options(argv: string[]): Options {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workers: { type: 'string' },
      exclusive: { type: 'boolean' },
      'max-clients': { type: 'string' },
      peers: { type: 'boolean' },
    },
  });
  const o = {
    port: Number(positionals[0] ?? 1234),
    workers: Number(values.workers ?? availableParallelism()),
    exclusive: values.exclusive ?? false,
    maxClients: Number(values['max-clients'] ?? Infinity),
    peers: values.peers ?? false,
  };
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535 || !Number.isInteger(o.workers) || o.workers < 1 || !(o.maxClients >= 1) || positionals.length > 1) {
    throw new TypeError(USAGE);
  }
  return o;
}

// The sockets and epolls this process holds (Linux: /proc/self/fd), to show that shutdown closed
// everything the server opened; null where there is no /proc.
function kernelObjects(): string[] | null {
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return null;
  }
  const out: string[] = [];
  for (const fd of fds) {
    try {
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      if (link.startsWith('socket:') || link === 'anon_inode:[eventpoll]') out.push(`${fd} ${link}`);
    } catch {
      // the directory's own fd, closed once listed
    }
  }
  return out;
}

function exclusiveUnsupported(): string | null {
  try {
    new EpollSelector({ exclusive: true }).close();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function main(o: Options): Promise<void> {
  const before = kernelObjects();
  let shared: socket.Socket | undefined;
  if (o.exclusive) {
    const why = exclusiveUnsupported();
    if (why !== null) {
      console.error(`--exclusive: EPOLLEXCLUSIVE is not supported on ${process.platform} (${why}); run without it for SO_REUSEPORT`);
      process.exit(2);
    }
    shared = socket.createServer(['127.0.0.1', o.port], { backlog: 128 });
    shared.setblocking(false); // the workers' loops need it (one open file: their dups share the flag)
  }
  const workers: Worker[] = [];
  const exits: Array<Promise<unknown>> = [];
  const results: Array<{ served: number; peers: number[] }> = [];
  let served = 0;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const w of workers) w.postMessage('stop');
  };
  let port = shared ? (shared.getsockname() as [string, number])[1] : o.port;
  for (let id = 0; id < o.workers; id++) {
    const w = new Worker(__filename, { workerData: { id, port, sharedFd: shared?.fileno() } satisfies Job });
    workers.push(w);
    exits.push(new Promise((resolve) => w.once('exit', resolve)));
    w.on('error', (err) => {
      console.error(`worker ${id}:`, err);
      process.exit(1);
    });
    const listening = new Promise<number>((resolve) => {
      w.on('message', (r: Report) => {
        if ('listening' in r) resolve(r.listening);
        else if ('served' in r && !('done' in r) && ++served >= o.maxClients) stop();
        else if ('done' in r) results[id] = r;
      });
    });
    // Port 0: the first worker's socket gets an ephemeral port, the others join it.
    port = await listening;
  }
  shared?.close(); // the workers serve dups of it
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`${o.workers} workers, ${o.exclusive ? 'one shared listening socket, EPOLLEXCLUSIVE' : 'a SO_REUSEPORT listening socket each'}`);
  console.log('listening on', port);
  await Promise.all(exits);
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  results.forEach((r, id) => console.log(`worker ${id} served ${r.served} clients${o.peers ? ` from ports ${r.peers.join(',')}` : ''}`));
  console.log(`served ${results.reduce((n, r) => n + r.served, 0)} clients in all`);
  const after = kernelObjects();
  if (before !== null && after !== null) {
    const left = after.filter((s) => !before.includes(s));
    console.log(`sockets and epolls left open: ${left.length === 0 ? 'none' : left.join(', ')}`);
    if (left.length > 0) process.exitCode = 1;
  }
}

if (isMainThread) {
  let o: Options;
  try {
    o = options(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message === USAGE ? USAGE : `${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  main(o).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  worker(workerData as Job).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
