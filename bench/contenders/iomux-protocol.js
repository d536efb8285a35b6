// The iomux protocol contender: asyncio-style Protocols served by `EventLoop.createServer` over
// the chosen selector (backend=epoll by default). Measures what transports cost over the raw
// readiness callbacks of iomux.js mode=async: one Buffer per read handed to dataReceived, and
// transport.write (sent at once while nothing is buffered).
// Usage: node iomux-protocol.js workload=echo|http [backend=epoll]
'use strict';
const { dist, SELECTOR_CLASSES, parseArgs, emit, countRequests, RESPONSE } = require('../lib/common');
require('../lib/count-calls').installCallCounter(dist); // --syscalls: before iomux loads
const iomux = require(dist);

const { EventLoop, Protocol } = iomux;
const args = parseArgs();
const Selector = iomux[SELECTOR_CLASSES[args.backend ?? 'epoll']];
if (typeof Selector !== 'function' || typeof EventLoop.prototype.createServer !== 'function') {
  process.stderr.write('this version of iomux lacks the selector or EventLoop.createServer\n');
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
  const loop = new EventLoop(new Selector());
  const server = await loop.createServer(w === 'echo' ? () => new Echo() : () => new Http(), '127.0.0.1', 0, { backlog: 4096 });
  emit({ port: server.sockets[0].getsockname()[1] });
  await loop.run();
}

main();
