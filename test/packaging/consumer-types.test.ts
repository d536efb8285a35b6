// The published declarations, as a strict TypeScript user compiles against them: dist/*.d.ts
// (emitted here from lib/ into a temporary package) checked with `strict` and `skipLibCheck:
// false`, by a consumer that uses every public type and never casts. A type that forces a cast
// (`key.fileobj as socket.Socket`, `getsockname()[1] as number`) fails this test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runSync } from '../helpers/child';

const root = ROOT;
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const consumer = `
import {
  BaseSelector, DefaultSelector, EpollSelector, EVENT_READ, EVENT_WRITE, EventLoop, KqueueSelector,
  PollSelector, SelectSelector, SelectorKey, os, select, socket,
} from 'iomux';
import type {
  FileLike, IOCallback, SelectorClass, SelectorMap, SelectorOptions, SelectResult, SystemError, TimerHandle,
} from 'iomux';
import { pipe } from 'iomux/os';
import type { Address, AncillaryInput, AncillaryItem, CreateServerOptions, InetAddress, RecvmsgIntoResult, RecvmsgResult } from 'iomux/socket';

// The README's echo server: key.data is the callback, key.fileobj the socket it was registered with.
type Handler = (sock: socket.Socket<InetAddress>, mask: number) => void;
const sel = new DefaultSelector<Handler, socket.Socket<InetAddress>>();
const accept: Handler = (sock) => {
  const [conn, addr] = sock.accept();
  const port: number = addr[1];
  conn.setblocking(false);
  sel.register(conn, EVENT_READ, read);
  void port;
};
const read: Handler = (conn) => {
  const data: Buffer = conn.recv(1000);
  if (data.length) conn.send(data);
  else { sel.unregister(conn); conn.close(); }
};
const server = socket.createServer(['127.0.0.1', 0], { backlog: 16 } satisfies CreateServerOptions);
server.setblocking(false);
sel.register(server, EVENT_READ, accept);
const listening: number = server.getsockname()[1];
for (const [key, mask] of sel.select(0)) key.data(key.fileobj, mask);

// The README's own lines, with the file object's type as the selector's second parameter.
const readmeSel = new DefaultSelector<(sock: socket.Socket, mask: number) => void, socket.Socket>();
const readmeSock = socket.socket();
readmeSel.register(readmeSock, EVENT_READ, (sock: socket.Socket) => void sock.accept());
for (const [key, mask] of readmeSel.select(0)) {
  const callback = key.data;
  callback(key.fileobj, mask);
}
const readmePort: number = readmeSock.getsockname()[1];

// Ports are numbers for every IP socket a factory makes.
const client = socket.createConnection(['127.0.0.1', listening], 5);
const peerPort: number = client.getpeername()[1];
const fresh = socket.socket();
const unbound: number = fresh.getsockname()[1];
const [left, right] = socket.socketpair();
const path: string = left.getsockname();
const anyFamily: Address = socket.socket(socket.AF_INET6).getsockname();

// select.select keeps the type of each list.
const [readable, writable] = select.select([client], [right], [], 0);
const first: Buffer | undefined = readable[0]?.recv(1);
const other: number | undefined = writable[0]?.fileno();

// Every selector class fits SelectorClass and takes SelectorOptions; keys, results and maps are generic.
const options: SelectorOptions = { edgeTriggered: false };
const classes: SelectorClass[] = [DefaultSelector, EpollSelector, KqueueSelector, PollSelector, SelectSelector];
const typed: BaseSelector<string, socket.Socket> = new DefaultSelector<string, socket.Socket>(options);
const key: SelectorKey<string, socket.Socket> = typed.register(left, EVENT_READ | EVENT_WRITE, 'left');
const results: Array<SelectResult<string, socket.Socket>> = typed.select(0);
const map: SelectorMap<string, socket.Socket> = typed.getMap();
const fromMap: socket.Socket | undefined = map.get(left)?.fileobj;
const label: string = key.data;
const anything: FileLike = key.fileobj;

// Platform constants are numbers (no undefined to cast away).
const mask: number = select.EPOLLIN | select.EPOLLET | select.POLLIN | select.KQ_FILTER_READ;
const reuse: number = socket.SO_REUSEPORT;
const sigio: number = os.SIGIO;

// Errors: the SystemError type, with the connect target.
function explain(err: SystemError): string {
  return \`\${err.code} \${err.errno} \${err.syscall} \${err.address ?? ''}:\${err.port ?? ''}\`;
}

// The rest of the surface.
const p = select.poll();
const polled: Array<[number, number]> = p.poll(0);
const ep: select.Epoll = select.epoll();
const kevents: select.KEvent[] = [];
const kq: () => select.Kqueue = select.kqueue;
const fds: [number, number] = pipe();
const loop = new EventLoop(new PollSelector());
const onReady: IOCallback = (fileobj, m) => void [fileobj, m];
loop.addReader(fds[0], onReady);
const timer: TimerHandle = loop.callLater(1, () => {});
const adopted: socket.Socket = socket.Socket.fromfd(os.dup(right.fileno()));
const blocking: boolean = adopted.getblocking();

// fd passing: Python's shapes, the fds plain numbers; recvmsg keeps the socket's address type.
const sentBytes: number = socket.sendFds(left, [Buffer.from('x')], [fds[1], server]);
const [fdData, passed, fdFlags, fdFrom]: [Buffer, number[], number, string | null] = socket.recvFds(right, 1, 2);
const item: AncillaryInput = [socket.SOL_SOCKET, socket.SCM_RIGHTS, Int32Array.from(passed)];
const gathered: number = left.sendmsg([Buffer.from('y')], [item]);
const got: RecvmsgResult<string> = right.recvmsg(1, socket.CMSG_SPACE(4 * passed.length));
const items: AncillaryItem[] = got[1];
const scattered: RecvmsgIntoResult<InetAddress> = client.recvmsgInto([new Uint8Array(1)], socket.CMSG_LEN(4), socket.MSG_DONTWAIT);
const udpFrom: InetAddress | null = scattered[3];

export {
  sentBytes, fdData, fdFlags, fdFrom, gathered, items, udpFrom,
  readmePort, listening, peerPort, unbound, path, anyFamily, first, other, classes, results, fromMap, label, anything,
  mask, reuse, sigio, explain, polled, ep, kevents, kq, timer, blocking,
};
`;

test.each([
  ['node16', 'node16'],
  // TypeScript 5's default for module commonjs, which reads no "exports": typesVersions maps the subpaths
  ['commonjs', 'node10'],
])('a strict consumer (module %s, moduleResolution %s) compiles against dist/*.d.ts with skipLibCheck off and no casts', (module, moduleResolution) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iomux-types-'));
  try {
    const pkg = path.join(tmp, 'node_modules', 'iomux');
    fs.mkdirSync(pkg, { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
    const emit = runSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', path.join(pkg, 'dist')]);
    expect(emit.stdout + emit.stderr).toBe('');
    fs.writeFileSync(path.join(tmp, 'use.ts'), consumer);
    fs.writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module, moduleResolution, ignoreDeprecations: '6.0', target: 'ES2022', lib: ['ES2022', 'ESNext.Disposable'],
        strict: true, skipLibCheck: false, noEmit: true, noUnusedLocals: true,
        types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')],
      },
      files: ['use.ts'],
    }));
    const check = runSync(process.execPath, [tsc, '-p', tmp], { cwd: tmp });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 120_000);
