// The asynchronous I/O model (model 5: the kernel does the I/O and reports completions), as
// asyncio's proactor event loop: an echo server of sockAccept / sockRecv / sockSendall on
// ProactorEventLoop (io_uring). The very same program runs on EventLoop (readiness: epoll, the
// loop makes the syscall when the socket is ready) with `--loop=selector`: two I/O models
// behind one API. Where io_uring is unavailable (not Linux, a container's seccomp profile,
// kernel.io_uring_disabled, IOMUX_URING=0) it says so and runs on EventLoop.
//
//   node -r ./scripts/register-ts.js examples/asynchronous.ts [port] [--max-clients N] [--loop=proactor|selector]
import { EventLoop, ProactorEventLoop, socket } from '../lib/index';
import { serverArgs } from './args';

const loopFlag = process.argv.find((a) => a.startsWith('--loop='))?.slice('--loop='.length) ?? 'proactor';
if (loopFlag !== 'proactor' && loopFlag !== 'selector') {
  console.error('--loop must be proactor or selector');
  process.exit(2);
}
const { port, maxClients } = serverArgs(process.argv.slice(2).filter((a) => !a.startsWith('--loop=')));

let loop: EventLoop | ProactorEventLoop;
if (loopFlag === 'selector') {
  loop = new EventLoop();
  console.log('loop: EventLoop (readiness: the loop waits until a socket is ready, then makes the syscall)');
} else if (ProactorEventLoop.available) {
  loop = new ProactorEventLoop();
  console.log('loop: ProactorEventLoop (completion: io_uring does the I/O, the loop collects the results)');
} else {
  loop = new EventLoop();
  console.log(`loop: EventLoop, because io_uring is unavailable here (${ProactorEventLoop.unavailableReason})`);
}

let served = 0;
loop.addSignalHandler('SIGTERM', () => loop.stop()); // a clean exit: close the loop and the server

// One connection: receive what arrives, send it all back, until the client closes.
async function echo(conn: socket.Socket): Promise<void> {
  try {
    for (;;) {
      const data = await loop.sockRecv(conn, 65536);
      if (data.length === 0) break;
      await loop.sockSendall(conn, data);
    }
  } catch (err) {
    console.log('connection error:', (err as Error).message);
  } finally {
    console.log('closing', conn.fileno());
    conn.close();
    if (++served >= maxClients) loop.stop();
  }
}

const server = socket.socket();
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind(['127.0.0.1', port]);
server.listen(100);
server.setblocking(false); // EventLoop needs it; the proactor does not mind
console.log('listening on', server.getsockname()[1]);

// Accept connections for as long as the loop runs; each one is echoed concurrently.
async function acceptForever(): Promise<void> {
  for (;;) {
    let conn: socket.Socket;
    let addr: socket.Address;
    try {
      [conn, addr] = await loop.sockAccept(server);
    } catch {
      return; // the loop was closed
    }
    console.log('accepted', conn.fileno(), 'from', addr);
    void echo(conn);
  }
}

void acceptForever();
loop.run().then(() => {
  loop.close();
  server.close();
});
