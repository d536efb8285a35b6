// asyncio's protocols and transports in iomux: an echo server and a tiny HTTP/1.1 keep-alive
// server, each a Protocol class served by `loop.createServer` on an EventLoop (as Python's
// `loop.create_server(EchoProtocol, host, port)`). The echo server uses flow control: when a
// client reads slower than it sends, the transport's write buffer passes its high mark and the
// protocol stops reading from that client until the buffer drains.
//
//   node -r ./scripts/register-ts.js examples/protocols.ts echo|http [port] [--max-clients N]
import { EventLoop, Protocol, type Transport } from '../lib/index';
import { serverArgs } from './args';

const mode = process.argv[2];
if (mode !== 'echo' && mode !== 'http') {
  console.error('usage: node -r ./scripts/register-ts.js examples/protocols.ts echo|http [port] [--max-clients N]');
  process.exit(2);
}
const { port, maxClients } = serverArgs(process.argv.slice(3));
const loop = new EventLoop();
let served = 0;

function clientDone(): void {
  served++;
  if (served >= maxClients) loop.stop();
}

/** Sends back every byte; stops reading while the client is not reading what it gets back. */
class EchoProtocol extends Protocol {
  transport!: Transport;

  override connectionMade(transport: Transport): void {
    this.transport = transport;
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
    clientDone();
  }
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** HTTP/1.1 with keep-alive and pipelining: each `GET /path` gets `hello <path>` back. */
class HttpProtocol extends Protocol {
  transport!: Transport;
  pending: Buffer = Buffer.alloc(0);

  override connectionMade(transport: Transport): void {
    this.transport = transport;
  }

  override dataReceived(data: Buffer): void {
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    for (;;) {
      const end = this.pending.indexOf(HEAD_END);
      if (end < 0) return;
      const head = this.pending.subarray(0, end).toString('latin1');
      this.pending = this.pending.subarray(end + HEAD_END.length);
      const [method, path] = head.split(' ', 2);
      const close = /\r\nconnection:\s*close/i.test(head);
      const body = Buffer.from(method === 'GET' ? `hello ${path}\n` : 'only GET\n');
      const status = method === 'GET' ? '200 OK' : '405 Method Not Allowed';
      this.transport.writelines([
        Buffer.from(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`),
        body,
      ]);
      if (close) return this.transport.close();
    }
  }

  override connectionLost(): void {
    clientDone();
  }
}

async function main(): Promise<void> {
  const server = await loop.createServer(mode === 'echo' ? () => new EchoProtocol() : () => new HttpProtocol(), '127.0.0.1', port);
  console.log('listening on', server.sockets[0].getsockname()[1]);
  await loop.run();
  server.close();
  loop.close();
}

void main();
