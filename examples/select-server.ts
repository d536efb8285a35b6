// The third I/O model: I/O multiplexing. One select() call sleeps until any of many sockets is
// ready, and says which; the accept(), recv() and send() that follow then never wait. This is
// the classic select.select() echo server: lists of sockets to read and to write, and a queue of
// bytes per client.
//
// select() blocks the thread in the kernel, so no JavaScript signal handler could run: there is
// none, and SIGTERM's default action ends the process (the kernel closes its sockets).
import { select, socket } from '../lib/index';
import { serverArgs } from './args';

const { port, maxClients } = serverArgs();

const server = socket.socket();
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind(['localhost', port]);
server.listen(5);
server.setblocking(false);
console.log('listening on', server.getsockname()[1]);

const inputs: socket.Socket[] = [server]; // sockets we want to read from
const outputs: socket.Socket[] = []; // sockets with bytes waiting to be echoed
const queues = new Map<socket.Socket, Buffer[]>();
const finished = new Set<socket.Socket>(); // clients that sent EOF; closed once their queue is empty
let served = 0;

// Readiness is a hint (select(2), BUGS): a ready socket may still say EAGAIN; then wait again.
function wouldBlock(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'EAGAIN';
}

// A client that resets (ECONNRESET) or has gone (EPIPE) ends its own connection, no other.
function peerGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

// Bytes queued for one client before the server stops reading from it until they are echoed:
// a client that sends but never reads must not make the server buffer without end.
const MAX_QUEUED = 1 << 20;

function queuedBytes(s: socket.Socket): number {
  return queues.get(s)!.reduce((n, b) => n + b.length, 0);
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

function closeClient(s: socket.Socket): void {
  remove(inputs, s);
  remove(outputs, s);
  queues.delete(s);
  finished.delete(s);
  s.close();
  served++;
  console.log('closed, clients served:', served);
}

while (served < maxClients) {
  const [readable, writable] = select.select(inputs, outputs, [], null) as [socket.Socket[], socket.Socket[], unknown[]];
  for (const s of readable) {
    if (s === server) {
      let conn: socket.Socket, addr: socket.Address;
      try {
        [conn, addr] = s.accept(); // ready: will not block, but for a client gone meanwhile
      } catch (err) {
        if (wouldBlock(err) || (err as NodeJS.ErrnoException).code === 'ECONNABORTED') continue;
        throw err;
      }
      conn.setblocking(false);
      inputs.push(conn);
      queues.set(conn, []);
      console.log('connected', addr);
    } else {
      let data: Buffer;
      try {
        data = s.recv(4096); // ready: will not block, but for a reset or a spurious wakeup
      } catch (err) {
        if (peerGone(err)) closeClient(s);
        else if (!wouldBlock(err)) throw err;
        continue;
      }
      if (data.length > 0) {
        queues.get(s)!.push(data);
        if (!outputs.includes(s)) outputs.push(s);
        if (queuedBytes(s) >= MAX_QUEUED) remove(inputs, s); // read again once echoed
      } else if (outputs.includes(s)) {
        remove(inputs, s); // EOF: echo what is left, then close
        finished.add(s);
      } else {
        closeClient(s);
      }
    }
  }
  for (const s of writable) {
    const queue = queues.get(s);
    if (queue === undefined) continue; // closed above in this round
    const next = queue[0];
    let sent: number;
    try {
      sent = s.send(next); // ready: takes at least one byte, unless the client has gone
    } catch (err) {
      if (peerGone(err)) closeClient(s);
      else if (!wouldBlock(err)) throw err;
      continue;
    }
    if (sent < next.length) queue[0] = next.subarray(sent);
    else queue.shift();
    if (queue.length === 0) {
      remove(outputs, s);
      if (finished.has(s)) closeClient(s);
      else if (!inputs.includes(s)) inputs.push(s); // reading had stopped at MAX_QUEUED
    }
  }
}

for (const s of inputs) s.close();
for (const s of finished) s.close();
