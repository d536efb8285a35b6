// The iomux protocol contender: asyncio-style Protocols served by `EventLoop.createServer` over
// the chosen selector (backend=epoll by default), or by `ProactorEventLoop.createServer`
// (backend=uring: completions — multishot accept and receive into provided buffers, sends
// batched per turn). Measures what transports cost over the raw readiness callbacks of iomux.js
// mode=async: one Buffer per read handed to dataReceived (a view of the receive buffer on the
// proactor), and transport.write.
// Usage: node iomux-protocol.js workload=echo|http [backend=epoll|uring]
'use strict';
const { dist, SELECTOR_CLASSES, parseArgs, emit, countRequests, RESPONSE } = require('../lib/common');
require('../lib/count-calls').installCallCounter(dist); // --syscalls: before iomux loads
const iomux = require(dist);

const { EventLoop, ProactorEventLoop, Protocol } = iomux;
const args = parseArgs();
const proactor = args.backend === 'uring';
const Selector = proactor ? undefined : iomux[SELECTOR_CLASSES[args.backend ?? 'epoll']];
const Loop = proactor ? ProactorEventLoop : EventLoop;
if ((!proactor && typeof Selector !== 'function') || typeof Loop?.prototype.createServer !== 'function') {
  process.stderr.write(`this version of iomux lacks the selector or ${proactor ? 'ProactorEventLoop' : 'EventLoop'}.createServer\n`);
  process.exit(2);
}

class Echo extends Protocol {
  connectionMade(transport) {
    this.transport = transport;
  }

  dataReceived(data) {
    this.transport.write(data);
  }
}

class Http extends Protocol {
  connectionMade(transport) {
    this.transport = transport;
    this.state = 0; // countRequests' parser state across reads
  }

  dataReceived(data) {
    for (let r = countRequests(data, data.length, this); r > 0; r--) this.transport.write(RESPONSE);
  }
}

async function main() {
  const w = args.workload;
  if (w !== 'echo' && w !== 'http') throw new Error(`unknown workload ${w}`);
  const loop = proactor ? new ProactorEventLoop() : new EventLoop(new Selector());
  const server = await loop.createServer(w === 'echo' ? () => new Echo() : () => new Http(), '127.0.0.1', 0, { backlog: 4096 });
  emit({ port: server.sockets[0].getsockname()[1] });
  await loop.run();
}

main();
