// Differential fuzz against CPython: random sequences of register, modify, unregister, getKey,
// getMap, send, recv, fill, drain, shutdown, close and select over three socketpairs run through iomux and through
// CPython's selectors (test/selectors/fixtures/oracle.py, in one long-lived python3 child), and
// every step's result must match, on every backend both have. fast-check shrinks a failure to
// the shortest sequence that still differs, and prints it with the seed. npm test runs a few
// seconds' worth; `npm run fuzz -- --runs N` runs N cases per backend.
import path from 'node:path';
import fc from 'fast-check';
import { EpollSelector, PollSelector, SelectSelector } from '../../lib/selectors';
import { start } from '../helpers/child';
import { runIomux, type Result, type Step } from '../selectors/interpreter';


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
