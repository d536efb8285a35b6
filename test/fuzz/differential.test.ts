// Differential fuzz against CPython: random sequences of register, modify, unregister, getKey,
// getMap, send, recv, fill, drain, shutdown, close and select over three socketpairs run through iomux and through
// CPython's selectors (test/selectors/fixtures/oracle.py, in one long-lived python3 child), and
// every step's result must match, on every backend both have. fast-check shrinks a failure to
// the shortest sequence that still differs, and prints it with the seed. npm test runs a few
// seconds' worth; `npm run fuzz -- --runs N` runs N cases per backend.
import path from 'node:path';
import fc from 'fast-check';
import { EpollSelector, PollSelector, SelectSelector, type BaseSelector } from '../../lib/selectors';
import { socketpair, type Socket } from '../../lib/socket';
import { start } from '../helpers/child';

type Step = [string, ...unknown[]];
type Result = { ok: unknown } | { err: string };

const RUNS = Number(process.env.IOMUX_FUZZ_RUNS ?? 100);
const SEED = process.env.IOMUX_FUZZ_SEED === undefined ? undefined : Number(process.env.IOMUX_FUZZ_SEED);
const NAMES = ['a0', 'b0', 'a1', 'b1', 'a2', 'b2'];
const PREAMBLE: Step[] = [['socketpair', 'a0', 'b0'], ['socketpair', 'a1', 'b1'], ['socketpair', 'a2', 'b2']];

// One python3 process answers every case: a job per line, a result per line.
class Oracle {
  readonly #child = start('python3', [path.join(__dirname, 'oracle_server.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  #asked = 0;

  async run(backend: string, steps: Step[]): Promise<Result[]> {
    const answer = this.#child.lineAt(this.#asked++);
    this.#child.process.stdin!.write(`${JSON.stringify({ backend, steps })}\n`);
    return JSON.parse(await answer) as Result[];
  }

  close(): void {
    this.#child.process.stdin!.end();
  }
}

// The same normalisation as test/selectors/oracle.test.ts: errors as Python's categories.
function category(err: unknown): string {
  const code = (err as { code?: string }).code ?? String(err);
  if (code === 'ERR_NOT_REGISTERED' || code === 'ERR_ALREADY_REGISTERED') return 'KeyError';
  if (code === 'ERR_INVALID_FD' || code === 'ERR_INVALID_ARG_VALUE') return 'ValueError';
  if (code === 'ERR_INVALID_ARG_TYPE') return 'TypeError';
  if (code === 'ERR_CLOSED') return 'Closed';
  return code;
}

const SOCKET_OPS = new Set(['send', 'recv', 'fill', 'drain', 'shutdown']);

function runIomux(Selector: new () => BaseSelector<unknown>, steps: Step[]): Result[] {
  const sel = new Selector();
  const socks = new Map<string, Socket>();
  const fdName = new Map<number, string>();
  const keyOut = (key: { events: number; data: unknown }): unknown[] => [key.events, key.data === undefined ? null : key.data];
  const step = (op: string, args: unknown[]): unknown => {
    const sock = (): Socket => socks.get(args[0] as string)!;
    switch (op) {
      case 'socketpair':
        socketpair().forEach((s, i) => {
          s.setBlocking(false);
          socks.set(args[i] as string, s);
          fdName.set(s.fileno(), args[i] as string);
        });
        return null;
      case 'register':
        return keyOut(sel.register(sock(), args[1] as number, args[2]));
      case 'modify':
        return keyOut(sel.modify(sock(), args[1] as number, args[2]));
      case 'unregister':
        return keyOut(sel.unregister(sock()));
      case 'getkey':
        return keyOut(sel.getKey(sock()));
      case 'map':
        return [...sel.getMap().keys()].map((fd) => fdName.get(fd)).sort();
      case 'select':
        return sel
          .select(args[0] as number)
          .map(([key, events]) => [fdName.get(key.fd), events])
          .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      case 'send':
        return sock().send(Buffer.from(args[1] as string, 'latin1'));
      case 'recv':
        return sock().recv(args[1] as number).toString('latin1');
      case 'close':
        sock().close();
        return null;
      case 'shutdown':
        sock().shutdown(args[1] as number);
        return null;
      case 'fill': {
        // send until the kernel's buffer is full
        const chunk = Buffer.alloc(65536, 'x');
        for (;;) {
          try {
            sock().send(chunk);
          } catch (err) {
            if ((err as { code?: string }).code === 'EAGAIN') return true;
            throw err;
          }
        }
      }
      case 'drain': {
        // recv until EAGAIN or EOF; the byte count
        let total = 0;
        for (;;) {
          try {
            const got = sock().recv(65536).length;
            if (got === 0) return total;
            total += got;
          } catch (err) {
            if ((err as { code?: string }).code === 'EAGAIN') return total;
            throw err;
          }
        }
      }
      default:
        throw new Error(`unknown op ${op}`);
    }
  };
  const out: Result[] = [];
  try {
    for (const [op, ...args] of steps) {
      try {
        out.push({ ok: step(op, args) ?? null });
      } catch (err) {
        // A closed socket's own calls: iomux says ERR_CLOSED where Python's socket says EBADF
        // (docs/API.md, errors table): the same fact.
        const cat = category(err);
        out.push({ err: cat === 'Closed' && SOCKET_OPS.has(op) ? 'EBADF' : cat });
      }
    }
  } finally {
    sel.close();
    for (const s of socks.values()) s.close();
  }
  return out;
}

const name = fc.constantFrom(...NAMES);
const events = fc.constantFrom(1, 2, 3); // bad masks are where iomux differs on purpose (docs/API.md)
const data = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 }));
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constant('register'), name, events, data) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('modify'), name, events, data) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('unregister'), name) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('getkey'), name) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('map')) },
  { weight: 4, arbitrary: fc.tuple(fc.constant('select'), fc.constantFrom(0, 0.001)) },
  { weight: 3, arbitrary: fc.tuple(fc.constant('send'), name, fc.constantFrom('x', 'hello')) },
  { weight: 3, arbitrary: fc.tuple(fc.constant('recv'), name, fc.integer({ min: 1, max: 8 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('close'), name) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('shutdown'), name, fc.constantFrom(0, 1, 2)) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('fill'), name) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('drain'), name) },
) as fc.Arbitrary<Step>;

// register or modify of a socket after its close: iomux refuses the closed fd with EBADF on every
// backend alike (docs/API.md, register), where CPython's answer depends on the backend (poll
// accepts it; select says ValueError; epoll EBADF). Sequences that do it are left out.
function noRegisterAfterClose(steps: Step[]): boolean {
  const closed = new Set<unknown>();
  for (const [op, target] of steps) {
    if (op === 'close') closed.add(target);
    else if ((op === 'register' || op === 'modify') && closed.has(target)) return false;
  }
  return true;
}

const BACKENDS = [SelectSelector, PollSelector, EpollSelector].filter((cls) => cls.available);
let oracle: Oracle;
beforeAll(() => (oracle = new Oracle()));
afterAll(() => oracle.close());

test.each(BACKENDS.map((cls) => [cls.name, cls] as const))(`%s gives what CPython's gives, step by step, over ${RUNS} random sequences`, async (backend, Selector) => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }).filter(noRegisterAfterClose), async (steps) => {
      const all = [...PREAMBLE, ...steps];
      expect(runIomux(Selector, all)).toEqual(await oracle.run(backend, all));
    }),
    { numRuns: RUNS, seed: SEED },
  );
}, 120_000);
