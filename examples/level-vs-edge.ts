// Level- vs edge-triggered readiness, side by side on epoll. Two epoll instances watch the same
// socket for EPOLLIN, one plain (level-triggered), one with EPOLLET (edge-triggered). Each step
// changes the socket and then asks both, without waiting (timeout 0), what they report:
//
//   level-triggered reports a *state*: "there are unread bytes", on every wait, until they are read;
//   edge-triggered reports a *change*: "new bytes arrived", once, and not again until more arrive.
//
// So with edge triggering a reader must drain the socket (read until EAGAIN) each time it is
// told, or it may never be told again. Selectors offer the same as new EpollSelector({ edgeTriggered: true }).
// Takes no port: it talks to itself over a socketpair, prints a table and exits.
import { EpollSelector, select, socket } from '../lib/index';

if (!EpollSelector.available) {
  console.log('epoll is Linux-only; this OS has none');
  process.exit(0);
}

const [writer, reader] = socket.socketpair();
const level = select.epoll();
const edge = select.epoll();
level.register(reader, select.EPOLLIN!);
edge.register(reader, select.EPOLLIN! | select.EPOLLET!);

let unread = 0;

function report(ep: select.Epoll): string {
  const events = ep.poll(0);
  return events.length === 0 ? '-' : events.map(([, mask]) => (mask & select.EPOLLIN! ? 'EPOLLIN' : String(mask))).join(' ');
}

function step(what: string): void {
  console.log(`${what} (${unread} unread)`.padEnd(28), report(level).padEnd(16), report(edge));
}

function write(n: number): void {
  writer.sendall(Buffer.alloc(n, 'x'));
  unread += n;
  step(`write ${n} bytes`);
}

function read(n: number): void {
  unread -= reader.recv(n).length;
  step(`read ${n} bytes`);
}

console.log('step'.padEnd(28), 'level-triggered'.padEnd(16), 'edge-triggered');
write(10); // both: new bytes
read(4); // level: bytes still there; edge: nothing new
step('wait again'); // level keeps saying so; edge stays quiet
write(3); // new bytes: edge speaks again
read(9); // drained: both quiet
step('wait again');

level.close();
edge.close();
writer.close();
reader.close();
