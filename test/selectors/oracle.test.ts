// Python as an oracle: each scripted scenario runs through CPython's selectors (fixtures/oracle.py,
// in a python3 child) and through iomux, on the same backend, and every step's result must match.
// Results are normalised the same way on both sides: select() is merged per fd and sorted by name
// (iomux gives one entry per fd already), errors become categories (KeyError, ValueError, Closed,
// or the errno name). Scenarios avoid the few places where iomux deliberately differs (docs/API.md, *ours*).
import path from 'node:path';
import { EpollSelector, EVENT_READ as R, EVENT_WRITE as W, IoUringSelector, KqueueSelector, PollSelector, SelectSelector, type BaseSelector } from '../../lib/selectors';
import { runSync } from '../helpers/child';
import { whenUring } from '../helpers/platform';
import { runIomux, type Result, type Step } from './interpreter';

const RW = R | W;
const SHUT_RD = 0;
const SHUT_WR = 1;
const SHUT_RDWR = 2;

const SCENARIOS: Array<[string, Step[], string[]?]> = [
  ['idle socket registered for reading: nothing ready', [['socketpair', 'a', 'b'], ['register', 'a', R], ['select', 0]]],
  ['a socket registered for writing is ready', [['socketpair', 'a', 'b'], ['register', 'a', W, 'd'], ['select', 0]]],
  ['send makes the peer readable; recv drains it', [['socketpair', 'a', 'b'], ['register', 'a', R], ['send', 'b', 'hello'], ['select', 0], ['recv', 'a', 100], ['select', 0]]],
  ['read and write ready together: one entry', [['socketpair', 'a', 'b'], ['send', 'b', 'x'], ['register', 'a', RW], ['select', 0]]],
  ['both ends registered both ways', [['socketpair', 'a', 'b'], ['register', 'a', RW], ['register', 'b', RW], ['send', 'a', 'ping'], ['select', 0], ['recv', 'b', 4], ['select', 0]]],
  ['pipe read end: write, select, read, select', [['pipe', 'r', 'w'], ['register', 'r', R], ['select', 0], ['write', 'w', 'abc'], ['select', 0], ['read', 'r', 10], ['select', 0]]],
  ['pipe write end is writable', [['pipe', 'r', 'w'], ['register', 'w', W], ['select', 0]]],
  ['pipe ends in one selector', [['pipe', 'r', 'w'], ['register', 'r', R], ['register', 'w', W], ['write', 'w', 'z'], ['select', 0]]],
  ['peer closed: the reader is readable and recv gives EOF', [['socketpair', 'a', 'b'], ['register', 'a', R], ['close', 'b'], ['select', 0], ['recv', 'a', 10]]],
  ['peer closed: every registered direction is reported', [['socketpair', 'a', 'b'], ['register', 'a', RW], ['close', 'b'], ['select', 0]]],
  ['peer closed: a writer-only registration is reported writable', [['socketpair', 'a', 'b'], ['register', 'a', W], ['close', 'b'], ['select', 0], ['send', 'a', 'x']]],
  ['peer shutdown(SHUT_WR): readable at EOF, still writable', [['socketpair', 'a', 'b'], ['register', 'a', RW], ['shutdown', 'b', SHUT_WR], ['select', 0], ['recv', 'a', 5], ['send', 'a', 'still']]],
  ['own shutdown(SHUT_RD): readable', [['socketpair', 'a', 'b'], ['register', 'a', R], ['shutdown', 'a', SHUT_RD], ['select', 0]]],
  ['own shutdown(SHUT_RDWR): both directions', [['socketpair', 'a', 'b'], ['register', 'a', RW], ['shutdown', 'a', SHUT_RDWR], ['select', 0], ['send', 'a', 'x']]],
  ['own shutdown(SHUT_WR): peer reads EOF', [['socketpair', 'a', 'b'], ['register', 'b', R], ['shutdown', 'a', SHUT_WR], ['select', 0], ['recv', 'b', 5]]],
  ['modify READ to WRITE', [['socketpair', 'a', 'b'], ['register', 'a', R, 'd'], ['select', 0], ['modify', 'a', W, 'd'], ['select', 0], ['getkey', 'a']]],
  ['modify WRITE to READ with data pending', [['socketpair', 'a', 'b'], ['send', 'b', 'q'], ['register', 'a', W], ['select', 0], ['modify', 'a', R], ['select', 0]]],
  ['modify data only', [['socketpair', 'a', 'b'], ['register', 'a', R, 'one'], ['modify', 'a', R, 'two'], ['getkey', 'a'], ['modify', 'a', R], ['getkey', 'a']]],
  ['modify to both, then back', [['socketpair', 'a', 'b'], ['send', 'b', 'x'], ['register', 'a', R], ['modify', 'a', RW], ['select', 0], ['modify', 'a', W], ['select', 0]]],
  ['modify an unknown fd: KeyError', [['socketpair', 'a', 'b'], ['modify', 'a', R], ['modifyraw', 999999, R]]],
  ['unregister an unknown fd, and twice: KeyError', [['socketpair', 'a', 'b'], ['unregisterraw', 999999], ['register', 'a', R], ['unregister', 'a'], ['unregister', 'a']]],
  ['register twice, and through the fd number: KeyError', [['socketpair', 'a', 'b'], ['register', 'a', R], ['register', 'a', W], ['registerfd', 'a', W], ['map']]],
  ['register with bad events: ValueError', [['socketpair', 'a', 'b'], ['register', 'a', 0], ['register', 'a', 4], ['register', 'a', 999999], ['map']]],
  ['register a negative fd: ValueError', [['registerraw', -1, R], ['registerraw', -10, W], ['map']]],
  ['unregister, then nothing is reported', [['socketpair', 'a', 'b'], ['register', 'a', W], ['select', 0], ['unregister', 'a'], ['select', 0], ['getkey', 'a']]],
  ['a registered socket closed without unregister, then select', [['socketpair', 'a', 'b'], ['register', 'b', W], ['register', 'a', R], ['close', 'a'], ['select', 0]]],
  ['a closed registered socket is unregistered by identity', [['socketpair', 'a', 'b'], ['register', 'a', R], ['register', 'b', W], ['close', 'a'], ['close', 'b'], ['unregister', 'a'], ['unregister', 'b'], ['map']]],
  ['an unregistered closed socket: ValueError', [['socketpair', 'a', 'b'], ['close', 'a'], ['unregister', 'a'], ['getkey', 'a']]],
  ['pipe: closed writer makes the reader readable at EOF', [['pipe', 'r', 'w'], ['register', 'r', R], ['close', 'w'], ['select', 0], ['read', 'r', 10]]],
  ['pipe: closed reader makes the writer writable, and write is EPIPE', [['pipe', 'r', 'w'], ['register', 'w', W], ['close', 'r'], ['select', 0], ['write', 'w', 'x']]],
  ['pipe: read end registered both ways after the writer closed', [['pipe', 'r', 'w'], ['register', 'r', RW], ['close', 'w'], ['select', 0]]],
  ['full pipe is not writable until drained', [['pipe', 'r', 'w'], ['register', 'w', W], ['fill', 'w'], ['select', 0], ['write', 'w', 'x'], ['drain', 'r'], ['select', 0]]],
  ['full socket buffer is not writable until drained', [['socketpair', 'a', 'b'], ['register', 'a', W], ['register', 'b', R], ['fill', 'a'], ['select', 0], ['send', 'a', 'x'], ['drain', 'b'], ['select', 0]]],
  ['five pairs, two of them ready', [
    ['socketpair', 'a1', 'b1'], ['socketpair', 'a2', 'b2'], ['socketpair', 'a3', 'b3'], ['socketpair', 'a4', 'b4'], ['socketpair', 'a5', 'b5'],
    ['register', 'a1', R], ['register', 'a2', R], ['register', 'a3', R], ['register', 'a4', R], ['register', 'a5', R],
    ['send', 'b2', 'x'], ['send', 'b5', 'y'], ['select', 0], ['recv', 'a2', 1], ['select', 0], ['map']]],
  ['a timeout with nothing ready', [['socketpair', 'a', 'b'], ['register', 'a', R], ['select', 0.05], ['select', -1]]],
  ['an empty selector', [['select', 0], ['map']]],
  ['recv with nothing there: EAGAIN; send to a closed peer: EPIPE', [['socketpair', 'a', 'b'], ['recv', 'a', 10], ['close', 'b'], ['send', 'a', 'x']]],
  ['getKey after close: closed', [['socketpair', 'a', 'b'], ['register', 'a', R], ['closesel'], ['getkey', 'a']]],
  ['re-register after unregister with new events and data', [['socketpair', 'a', 'b'], ['register', 'a', R, 1], ['unregister', 'a'], ['register', 'a', W, 2], ['select', 0], ['getkey', 'a']]],
  ['fd reused by a new pipe after close and unregister', [['socketpair', 'a', 'b'], ['register', 'a', R], ['unregister', 'a'], ['close', 'a'], ['close', 'b'], ['pipe', 'r', 'w'], ['register', 'w', W], ['select', 0]]],
  ['modify of a closed registered socket: the backend error and the key is gone (bpo-30014)', [['socketpair', 'a', 'b'], ['register', 'a', R], ['close', 'a'], ['modify', 'a', W], ['map']], ['EpollSelector', 'KqueueSelector']],
  ['modify of a closed socket registered both ways, dropping one: the backend error and the key is gone', [['socketpair', 'a', 'b'], ['register', 'a', RW], ['close', 'a'], ['modify', 'a', R], ['map']], ['EpollSelector', 'KqueueSelector']],
];

// [iomux class, the CPython selector it is checked against]. The third element of a scenario
// names the CPython selectors it runs on. CPython on Linux has no kqueue, so KqueueSelector under
// libkqueue (scripts/kqueue-check.sh) is held to CPython's EpollSelector: the same documented rules.
const pythonKqueue = process.platform === 'linux' ? 'EpollSelector' : 'KqueueSelector';
const BACKENDS: Array<[new () => BaseSelector<unknown>, string]> = [
  ...[SelectSelector, PollSelector, EpollSelector].filter((cls) => cls.available).map((cls): [typeof cls, string] => [cls, cls.name]),
  ...(KqueueSelector.available ? [[KqueueSelector, pythonKqueue] as [typeof KqueueSelector, string]] : []),
];

function runPython(backend: string, scenarios: Step[][]): Result[][] {
  const child = runSync('python3', [path.join(__dirname, 'fixtures', 'oracle.py')], { input: JSON.stringify({ backend, scenarios }) });
  if (child.status !== 0) throw new Error(`oracle.py failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

test('there are at least 30 scenarios', () => {
  expect(SCENARIOS.length).toBeGreaterThanOrEqual(30);
});

describe.each(BACKENDS.map(([cls, python]) => [cls.name, python, cls] as const))('%s against CPython %s', (_name, python, Selector) => {
  const mine = SCENARIOS.filter(([, , only]) => !only || only.includes(python));
  let oracle: Result[][];
  beforeAll(() => {
    oracle = runPython(python, mine.map(([, steps]) => steps));
  });

  test.each(mine.map(([title, steps], i) => [title, steps, i] as const))('%s', (_title, steps, i) => {
    const got = runIomux(Selector, steps);
    expect(got).toEqual(oracle[i]);
  });
});

// IoUringSelector promises EpollSelector's behaviour, so CPython's EpollSelector is its oracle.
whenUring.describe('IoUringSelector against CPython (EpollSelector)', () => {
  const mine = SCENARIOS.filter(([, , only]) => !only || only.includes('EpollSelector'));
  let oracle: Result[][];
  beforeAll(() => {
    oracle = runPython('EpollSelector', mine.map(([, steps]) => steps));
  });

  test.each(mine.map(([title, steps], i) => [title, steps, i] as const))('%s', (_title, steps, i) => {
    expect(runIomux(IoUringSelector, steps)).toEqual(oracle[i]);
  });
});
