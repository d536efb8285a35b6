// Callback order: scripts of callSoon, callLater, callAt, cancelled handles and a reader on a
// socketpair run through CPython's asyncio (a python3 child, the oracle) and through EventLoop and
// ProactorEventLoop (run() and runSync()); the orders must be equal, equal-deadline timers included
// (CPython's heap is not stable, and iomux keeps the same heap). On the proactor the policy is
// BaseEventLoop's too, and a reader is a poll completion on the ring.
import path from 'node:path';
import { EventLoop } from '../../lib/loop';
import { ProactorEventLoop } from '../../lib/proactor';
import { socketpair, type Socket } from '../../lib/socket';
import { runSync, succeeded } from '../helpers/child';
import { whenCommand, whenUring, type Gate } from '../helpers/platform';

type Action =
  | ['soon', string, Action[]]
  | ['cancelledSoon', string]
  | ['later', number, string, Action[]]
  | ['at', number, string, Action[]]
  | ['cancelled', number, string]
  | ['reader', string, Action[]]
  | ['send']
  | ['stop'];

const ORACLE = path.join(__dirname, 'order-oracle.py');

function viaAsyncio(script: Action[]): string[] {
  return JSON.parse(succeeded(runSync('python3', [ORACLE, JSON.stringify(script)], { timeoutMs: 30000 }), 'python3 asyncio oracle')) as string[];
}

type Loop = typeof EventLoop | typeof ProactorEventLoop;

async function viaIomux(Loop: Loop, script: Action[], mode: 'run' | 'runSync'): Promise<string[]> {
  const loop = new Loop();
  const [a, b]: [Socket, Socket] = socketpair();
  a.setBlocking(false);
  b.setBlocking(false);
  const out: string[] = [];
  const t0 = loop.time();
  const called = (label: string, children: Action[]): void => {
    out.push(label);
    perform(children);
  };
  const perform = (actions: Action[]): void => {
    for (const act of actions) {
      switch (act[0]) {
        case 'soon':
          loop.callSoon(called, act[1], act[2]);
          break;
        case 'cancelledSoon':
          loop.callSoon(called, act[1], []).cancel();
          break;
        case 'later':
          loop.callLater(act[1], called, act[2], act[3]);
          break;
        case 'at':
          loop.callAt(t0 + act[1], called, act[2], act[3]);
          break;
        case 'cancelled':
          loop.callLater(act[1], called, act[2], []).cancel();
          break;
        case 'reader': {
          const [, label, children] = act;
          loop.addReader(a, () => {
            a.recv(100);
            loop.removeReader(a);
            called(label, children);
          });
          break;
        }
        case 'send':
          b.send(Buffer.from('x'));
          break;
        case 'stop':
          loop.stop();
          break;
      }
    }
  };
  try {
    perform(script);
    if (mode === 'run') await loop.run();
    else loop.runSync();
  } finally {
    loop.close();
    a.close();
    b.close();
  }
  return out;
}

// Scripts avoid orders that depend on timing: timers with distinct deadlines are chained (each
// scheduled by the one before), so a stalled process (a loaded machine) runs them in the same
// order; the end is far enough that no stall reaches it.
const END: Action = ['at', 0.5, 'end', [['stop']]];

const SCRIPTS: Array<[string, Action[]]> = [
  [
    'nested callSoon and callLater(0): what a callback queues waits for the next iteration, timers after I/O',
    [
      ['soon', 'A', [['soon', 'A1', [['soon', 'A11', []]]], ['later', 0, 'A-t0', [['soon', 'A-t0-s', []]]]]],
      ['soon', 'B', [['soon', 'B1', []]]],
      ['later', 0, 'T0', [['soon', 'T0-s', []], ['later', 0, 'T0-t0', []]]],
      ['cancelledSoon', 'never'],
      ['soon', 'C', []],
      END,
    ],
  ],
  [
    'twenty timers with one deadline, and cancelled ones among them, in CPython heap order',
    [
      ...Array.from({ length: 20 }, (_, i): Action => ['at', 0.03, `t${i}`, i % 7 === 3 ? [['at', 0.03, `t${i}-again`, []]] : []]),
      ['cancelled', 0.03, 'never1'],
      ['cancelled', 0, 'never2'],
      ...Array.from({ length: 5 }, (_, i): Action => ['at', 0.03, `u${i}`, []]),
      END,
    ],
  ],
  [
    'a reader on a socketpair: its callback joins the ready queue before the due timers of its iteration',
    [
      ['reader', 'R', [['soon', 'R-s', []], ['later', 0, 'R-t0', []]]],
      ['soon', 'A', [['send'], ['soon', 'A-s', []], ['later', 0, 'A-t0', []]]],
      ['soon', 'B', [['later', 0, 'B-t0', [['soon', 'B-t0-s', []]]]]],
      END,
    ],
  ],
  [
    'stop() from a callback ends the loop after the rest of its iteration',
    [
      ['soon', 'A', [['stop'], ['soon', 'after-stop', []]]],
      ['soon', 'B', []],
      ['later', 0, 'T', []],
    ],
  ],
  [
    'timers due at different times interleaved with I/O and nested timers',
    [
      [
        'at',
        0.02,
        'T20',
        [
          ['later', 0, 'T20-t0', []],
          ['soon', 'T20-s', []],
          ['later', 0.02, 'T40', [['reader', 'R', [['later', 0.02, 'T60-from-R', []], ['soon', 'R-s', []]]], ['send'], ['soon', 'T40-s', []]]],
        ],
      ],
      ['cancelled', 0.02, 'never'],
      END,
    ],
  ],
];

// The proactor needs both io_uring and python3: the gate that skips says which one is missing.
const LOOPS: Array<[Loop, Gate]> = [
  [EventLoop, whenCommand('python3')],
  [ProactorEventLoop, whenUring.runs ? whenCommand('python3') : whenUring],
];

for (const [Loop, gate] of LOOPS) {
  gate.describe(`${Loop.name} callback order equals CPython asyncio`, () => {
    for (const [name, script] of SCRIPTS) {
      test(name, async () => {
        const expected = viaAsyncio(script);
        expect(expected.length).toBeGreaterThan(2);
        expect(await viaIomux(Loop, script, 'run')).toEqual(expected);
        expect(await viaIomux(Loop, script, 'runSync')).toEqual(expected);
      });
    }
  });
}
