// Prefork: one listening socket, passed to worker processes with `sendFds`. The parent opens a TCP
// listener and starts N workers (real child processes), each given one end of an AF_UNIX
// socketpair as its fd 3; over it the parent sends the listener (SCM_RIGHTS), then closes its own
// copy. Every worker accepts on the same socket with an EventLoop and serves echo (asyncio's
// protocols); the kernel hands each new connection to whichever worker accepts first. This is how pre-fork servers (Apache's
// prefork, gunicorn's workers) share a port without SO_REUSEPORT.
//
// The socketpair is also how parent and workers talk: a worker writes one byte per client served;
// the parent half-closing its end (SHUT_WR) tells the worker to stop accepting, finish its clients
// and exit. The parent does that after --max-clients clients (over all workers), on SIGTERM, or
// when a worker dies, then waits for every worker and prints how many clients each served.
//
//   node -r ./scripts/register-ts.js examples/prefork.ts [port] [--max-clients N] [--workers N]
import { spawn, type ChildProcess } from 'node:child_process';
import { EventLoop, Protocol, socket, type Transport } from '../lib/index';
import { serverArgs } from './args';

const WORKER_FLAG = '--prefork-worker'; // how the parent starts this same file as a worker
const CHANNEL_FD = 3; // the worker's end of its socketpair (stdio[3])

if (process.argv[2] === WORKER_FLAG) void worker(Number(process.argv[3]));
else parent();

// The parent's command line: the servers' own ([port] [--max-clients N]) plus --workers N.
function parentArgs(): { port: number; maxClients: number; workers: number } {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--workers');
  const workers = at < 0 ? 3 : Number(argv.splice(at, 2)[1]);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    console.error('usage: node -r ./scripts/register-ts.js examples/prefork.ts [port] [--max-clients N] [--workers N]');
    process.exit(2);
  }
  return { ...serverArgs(argv), workers };
}

interface Worker {
  index: number;
  child: ChildProcess;
  channel: socket.Socket;
  served: number;
  exited: Promise<number | null>;
}

function parent(): void {
  const { port, maxClients, workers: count } = parentArgs();
  const listener = socket.createServer(['localhost', port]);
  const workers: Worker[] = [];
  for (let index = 0; index < count; index++) {
    const [channel, theirs] = socket.socketpair();
    // The same program (this file, with Node's own flags such as a TypeScript loader) as a worker.
    const child = spawn(process.execPath, [...process.execArgv, __filename, WORKER_FLAG, String(index)], {
      stdio: ['ignore', 'inherit', 'inherit', theirs.fileno()],
    });
    theirs.close(); // the child has its own copy now
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The listener itself: the worker gets a new fd for this very socket. One byte must go with it.
    socket.sendFds(channel, [Buffer.from('L')], [listener]);
    workers.push({ index, child, channel, served: 0, exited });
  }
  // Each worker holds the listener now; the parent accepts nothing. It waits for each to be
  // ready (one byte back) before saying it is listening, so that no client meets an empty room.
  for (const w of workers) {
    if (w.channel.recv(1).toString() !== 'R') throw new Error(`worker ${w.index} failed to start`);
  }
  const bound = listener.getsockname()[1];
  listener.close();

  const loop = new EventLoop();
  let total = 0;
  let stopping = false;
  // Half-closing a channel (SHUT_WR) is the worker's signal to stop accepting, finish its clients
  // and exit; its reports still come back meanwhile, until its end closes.
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const w of workers) if (!w.channel.closed) w.channel.shutdown(socket.SHUT_WR);
    void Promise.all(workers.map((w) => w.exited)).then((codes) => {
      for (const w of workers) console.log(`worker ${w.index} served ${w.served}`);
      loop.stop();
      process.exitCode = codes.every((code) => code === 0) ? 0 : 1;
    });
  };
  for (const w of workers) {
    loop.addReader(w.channel, () => {
      const report = w.channel.recv(64);
      if (report.length === 0) {
        // The worker has exited (or closed its end): if that was not asked for, stop the rest too.
        loop.removeReader(w.channel);
        w.channel.close();
        return stop();
      }
      w.served += report.length;
      total += report.length;
      if (total >= maxClients) stop();
    });
  }
  process.on('SIGTERM', stop);
  // Only now: a SIGTERM sent as soon as this line is read must find the handler.
  console.log('listening on', bound);
  loop.run().then(() => loop.close(), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

async function worker(index: number): Promise<void> {
  // Python's `socket.socket(fileno=3)`: adopt the inherited end of the socketpair.
  const channel = socket.Socket.fromfd(CHANNEL_FD);
  const [, fds] = socket.recvFds(channel, 1, 1);
  // The fd is a plain number the worker owns: adopting it gives it an owner that closes it.
  const listener = socket.Socket.fromfd(fds[0]);
  const loop = new EventLoop();

  /** Sends back every byte; stops reading while the client is not reading what it gets back. */
  class Echo extends Protocol {
    transport!: Transport;

    constructor(readonly onLost: () => void) {
      super();
    }

    override connectionMade(transport: Transport): void {
      this.transport = transport;
      console.log(`worker ${index} (pid ${process.pid}) accepted`, transport.getExtraInfo('peername'));
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
      // One client served (EPIPE: the parent is gone; the worker is finishing on its own).
      try {
        channel.send(Buffer.from('d'));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
      }
      this.onLost();
    }
  }

  // One accept per wakeup. Every worker's loop wakes for each new connection (the listener is
  // one socket in every worker's epoll); a worker that accepted one goes back to its loop, so the
  // next pending connection goes to another. (asyncio's own accept loop, and loop.createServer,
  // drain up to `backlog` connections per wakeup: a burst would all go to the first worker.)
  let clients = 0;
  let stopping = false;
  const finishIfDone = (): void => {
    if (stopping && clients === 0) loop.stop();
  };
  listener.setblocking(false);
  loop.addReader(listener, () => {
    let conn: socket.Socket;
    try {
      [conn] = listener.accept();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'ECONNABORTED') return; // another worker took it, or the client left
      throw err;
    }
    clients++;
    void loop.connectAcceptedSocket(() => new Echo(() => {
      clients--;
      finishIfDone();
    }), conn);
  });
  loop.addReader(channel, () => {
    if (channel.recv(1).length > 0) return;
    // The parent half-closed its end: stop accepting, close this copy of the listener, finish.
    loop.removeReader(channel);
    loop.removeReader(listener);
    listener.close();
    stopping = true;
    finishIfDone();
  });
  // SIGTERM to the whole group (Ctrl-C in a terminal) is the parent's to handle.
  process.on('SIGTERM', () => {});
  process.on('SIGINT', () => {});
  channel.send(Buffer.from('R'));
  await loop.run();
  channel.close();
  loop.close();
}
