// Every new export × argument position with the bad-input tables: createServer,
// createConnection and connectAcceptedSocket reject with the documented code (and leave no fd
// open); Transport methods throw it — on every loop of ./loops.
import { Protocol, type Transport } from '../../lib';
import { socket, SOCK_DGRAM, AF_INET, socketpair } from '../../lib/socket';
import { codeOf, NOT_BUFFERS, NOT_NUMBERS, rejectCode } from '../helpers/bad-input';
import { openFds } from '../helpers/fds';
import { LOOPS, type AnyLoop } from './loops';

const NOT_FUNCTIONS: unknown[] = [undefined, null, 3, 'f', {}, [], true, Symbol('s'), 3n];
const NOT_OBJECTS: unknown[] = [null, 3, 'o', true, () => ({}), Symbol('s'), 3n];
const NOT_HOSTS: unknown[] = [3, true, {}, () => 'h', 3n, Symbol('s'), [3]];
const factory = () => new Protocol();

for (const [name, make, gate] of LOOPS) gate.describe(name, () => {
  let loop: AnyLoop;
  let before: number[];
  beforeEach(() => {
    before = openFds();
    loop = make();
  });
  afterEach(() => {
    loop.close();
    // Nothing left open (Node may close fds of its own meanwhile, so only new ones count).
    expect(openFds().filter((fd) => !before.includes(fd))).toEqual([]);
  });

  test('createServer(protocolFactory, host, port, options)', async () => {
    for (const f of NOT_FUNCTIONS) expect(await rejectCode(() => loop.createServer(f as never, '127.0.0.1', 0))).toBe('ERR_INVALID_ARG_TYPE');
    for (const h of NOT_HOSTS) expect([h, await rejectCode(() => loop.createServer(factory, h as never, 0))]).toEqual([h, 'ERR_INVALID_ARG_TYPE']);
    // A NUL; an empty label (Python's idna codec refuses it before any lookup).
    for (const h of ['a\0b', 'a..b', [] as string[], ['127.0.0.1', 'a\0b']]) expect(await rejectCode(() => loop.createServer(factory, h as never, 0))).toBe('ERR_INVALID_ARG_VALUE');
    // A name the resolver refuses without asking DNS (glibc: a space in it): its EAI code.
    for (const h of [' 127.0.0.1', ['127.0.0.1', ' 127.0.0.1']]) expect(await rejectCode(() => loop.createServer(factory, h as never, 0))).toBe('EAI_NONAME');
    for (const p of NOT_NUMBERS.filter((v) => v !== undefined && v !== null)) expect(await rejectCode(() => loop.createServer(factory, '127.0.0.1', p as never))).toBe('ERR_INVALID_ARG_TYPE');
    for (const p of [-1, 65536, 1.5, NaN, Infinity]) expect(await rejectCode(() => loop.createServer(factory, '127.0.0.1', p))).toBe('ERR_OUT_OF_RANGE');
    for (const o of NOT_OBJECTS) expect(await rejectCode(() => loop.createServer(factory, '127.0.0.1', 0, o as never))).toBe('ERR_INVALID_ARG_TYPE');
    for (const [key, value] of [['backlog', '3'], ['backlog', 1.5], ['reuseAddress', 'yes'], ['reusePort', {}], ['startServing', 'no'], ['sock', 3], ['sock', {}]] as const) {
      const code = await rejectCode(() => loop.createServer(factory, undefined, undefined, { [key]: value }));
      expect([key, value, code]).toEqual([key, value, key === 'backlog' && value === 1.5 ? 'ERR_OUT_OF_RANGE' : 'ERR_INVALID_ARG_TYPE']);
    }
    const udp = socket(AF_INET, SOCK_DGRAM);
    expect(await rejectCode(() => loop.createServer(factory, undefined, undefined, { sock: udp }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await rejectCode(() => loop.createServer(factory, '127.0.0.1', 0, { sock: udp }))).toBe('ERR_INVALID_ARG_VALUE');
    udp.close();
    expect(await rejectCode(() => loop.createServer(factory, undefined, undefined, { sock: udp }))).toBe('ERR_INVALID_ARG_VALUE');
    const listener = socket(AF_INET);
    listener.bind(['127.0.0.1', 0]);
    loop.close();
    expect(await rejectCode(() => loop.createServer(factory, '127.0.0.1', 0))).toBe('ERR_CLOSED');
    for (const startServing of [true, false]) {
      expect(await rejectCode(() => loop.createServer(factory, undefined, undefined, { sock: listener, startServing }))).toBe('ERR_CLOSED');
    }
    listener.close();
  });

  test('createConnection(protocolFactory, host, port, options)', async () => {
    for (const f of NOT_FUNCTIONS) expect(await rejectCode(() => loop.createConnection(f as never, '127.0.0.1', 1))).toBe('ERR_INVALID_ARG_TYPE');
    for (const h of [...NOT_HOSTS, undefined, null, ['127.0.0.1']]) expect(await rejectCode(() => loop.createConnection(factory, h as never, 1))).toBe('ERR_INVALID_ARG_TYPE');
    for (const h of ['', 'a\0b']) expect(await rejectCode(() => loop.createConnection(factory, h, 1))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await rejectCode(() => loop.createConnection(factory, 'a..b', 1))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await rejectCode(() => loop.createConnection(factory, ' 127.0.0.1', 1))).toBe('EAI_NONAME');
    for (const p of NOT_NUMBERS.filter((v) => v !== undefined && v !== null)) expect(await rejectCode(() => loop.createConnection(factory, '127.0.0.1', p as never))).toBe('ERR_INVALID_ARG_TYPE');
    for (const p of [-1, 65536, 1.5, NaN]) expect(await rejectCode(() => loop.createConnection(factory, '127.0.0.1', p))).toBe('ERR_OUT_OF_RANGE');
    expect(await rejectCode(() => loop.createConnection(factory, '127.0.0.1', 0))).toBe('ERR_INVALID_ARG_VALUE');
    for (const o of NOT_OBJECTS) expect(await rejectCode(() => loop.createConnection(factory, '127.0.0.1', 1, o as never))).toBe('ERR_INVALID_ARG_TYPE');
    for (const s of [3, {}, 'sock']) expect(await rejectCode(() => loop.createConnection(factory, undefined, undefined, { sock: s as never }))).toBe('ERR_INVALID_ARG_TYPE');
    const [a, b] = socketpair();
    expect(await rejectCode(() => loop.createConnection(factory, '127.0.0.1', 1, { sock: a }))).toBe('ERR_INVALID_ARG_VALUE');
    a.close();
    b.close();
    // A refused connection rejects with the OS error and closes its socket.
    const probe = socket();
    probe.bind(['127.0.0.1', 0]);
    const port = (probe.getsockname() as [string, number])[1];
    probe.close();
    const running = loop.run();
    expect(await rejectCode(() => loop.createConnection(factory, '127.0.0.1', port))).toBe('ECONNREFUSED');
    loop.stop();
    await running;
  });

  test('connectAcceptedSocket(protocolFactory, sock)', async () => {
    const [a, b] = socketpair();
    for (const f of NOT_FUNCTIONS) expect(await rejectCode(() => loop.connectAcceptedSocket(f as never, a))).toBe('ERR_INVALID_ARG_TYPE');
    for (const s of [undefined, null, 3, 'sock', {}, { fileno: () => 3 }]) expect(await rejectCode(() => loop.connectAcceptedSocket(factory, s as never))).toBe('ERR_INVALID_ARG_TYPE');
    // A factory that throws or returns a non-object rejects; the socket stays the caller's.
    expect(await rejectCode(() => loop.connectAcceptedSocket(() => { throw Object.assign(new Error('x'), { code: 'MINE' }); }, a))).toBe('MINE');
    expect(await rejectCode(() => loop.connectAcceptedSocket((() => 3) as never, a))).toBe('ERR_INVALID_ARG_TYPE');
    expect(a.closed).toBe(false);
    const udp = socket(AF_INET, SOCK_DGRAM);
    expect(await rejectCode(() => loop.connectAcceptedSocket(factory, udp))).toBe('ERR_INVALID_ARG_VALUE');
    udp.close();
    b.close();
    a.close();
    expect(await rejectCode(() => loop.connectAcceptedSocket(factory, a))).toBe('ERR_INVALID_ARG_VALUE');
    loop.close();
    const [c, d] = socketpair();
    expect(await rejectCode(() => loop.connectAcceptedSocket(factory, c))).toBe('ERR_CLOSED');
    c.close();
    d.close();
  });

  test('Transport: write, writelines, setWriteBufferLimits, getExtraInfo, setProtocol', async () => {
    const [a, b] = socketpair();
    const running = loop.run();
    const [t] = await loop.connectAcceptedSocket(factory, a);
    const tr: Transport = t;
    for (const v of NOT_BUFFERS) expect(codeOf(() => tr.write(v as never))).toBe('ERR_INVALID_ARG_TYPE');
    for (const v of [undefined, null, 3, {}, Buffer.from('x')]) expect(codeOf(() => tr.writelines(v as never))).toBe('ERR_INVALID_ARG_TYPE');
    for (const v of NOT_BUFFERS.filter((x) => x !== undefined)) expect(codeOf(() => tr.writelines([Buffer.from('ok'), v as never]))).toBe('ERR_INVALID_ARG_TYPE');
    for (const v of NOT_NUMBERS.filter((x) => x !== undefined && x !== null)) {
      expect(codeOf(() => tr.setWriteBufferLimits(v as never))).toBe('ERR_INVALID_ARG_TYPE');
      expect(codeOf(() => tr.setWriteBufferLimits(100, v as never))).toBe('ERR_INVALID_ARG_TYPE');
    }
    for (const v of [-1, 1.5, NaN, Infinity]) {
      expect(codeOf(() => tr.setWriteBufferLimits(v))).toBe('ERR_OUT_OF_RANGE');
      expect(codeOf(() => tr.setWriteBufferLimits(100, v))).toBe('ERR_OUT_OF_RANGE');
    }
    expect(codeOf(() => tr.setWriteBufferLimits(10, 20))).toBe('ERR_INVALID_ARG_VALUE');
    tr.setWriteBufferLimits(undefined, 100);
    expect(tr.getWriteBufferLimits()).toEqual([100, 400]);
    tr.setWriteBufferLimits();
    expect(tr.getWriteBufferLimits()).toEqual([16384, 65536]);
    for (const v of [undefined, null, 3, {}, Symbol('s')]) expect(codeOf(() => tr.getExtraInfo(v as never))).toBe('ERR_INVALID_ARG_TYPE');
    for (const v of [undefined, null, 3, 'p']) expect(codeOf(() => tr.setProtocol(v as never))).toBe('ERR_INVALID_ARG_TYPE');
    // A refused writelines sent nothing, not even its valid parts.
    b.setblocking(false);
    expect(codeOf(() => b.recv(10))).toBe('EAGAIN');
    tr.abort();
    b.close();
    loop.stop();
    await running;
  });
});
