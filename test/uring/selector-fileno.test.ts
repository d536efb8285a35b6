// IoUringSelector.fileno() is an fd a caller can watch: readable whenever select() would report
// something — before the first select(), after a select() that left a reported fd ready, while
// this thread sleeps in poll(2) or Node's loop in epoll_wait — and select() never reports a drained
// fd again because of it. The ring is DEFER_TASKRUN where the kernel has it, and then fileno() is
// the eventfd the kernel signals (such a ring fd wakes no poller); each setup mode runs in a child
// (fixtures/selector-fileno.js) with IOMUX_URING_SETUP_FLAGS, as an older kernel would leave it.
import { native } from '../../lib/native';
import { Ring, ringHandle } from '../../lib/uring/ring';
import { when, whenUring } from '../helpers/platform';
import { runFixture } from './helpers';

const SINGLE_ISSUER = 1 << 12;
const DEFER_TASKRUN = 1 << 13;
const COOP_TASKRUN = 1 << 8;
const TASKRUN_FLAG = 1 << 9;
const DEFERRED = SINGLE_ISSUER | DEFER_TASKRUN | TASKRUN_FLAG;
const COOP = SINGLE_ISSUER | COOP_TASKRUN | TASKRUN_FLAG;

/** Whether this kernel makes DEFER_TASKRUN rings (Linux 6.1), in this process's setup mode. */
function kernelDefers(): boolean {
  if (!Ring.available) return false;
  const ring = new Ring(2, { deferTaskrun: true });
  try {
    return native.uringWakeFd!(ringHandle(ring)) >= 0;
  } finally {
    ring.close();
  }
}
const defers = kernelDefers();
const whenDefers = when(defers, 'this kernel has no DEFER_TASKRUN (Linux 6.1)');

// [label, IOMUX_URING_SETUP_FLAGS (undefined: as this process has it, normally the kernel's best), the ring's flags, gate]
const MODES: Array<[string, number | undefined, number, typeof whenUring]> = [
  [`the default setup (${defers ? 'DEFER_TASKRUN' : 'no DEFER_TASKRUN on this kernel'})`, undefined, defers ? DEFERRED : COOP, whenUring],
  ['SINGLE_ISSUER|DEFER_TASKRUN|TASKRUN_FLAG', DEFERRED, DEFERRED, whenDefers],
  ['SINGLE_ISSUER|COOP_TASKRUN|TASKRUN_FLAG (6.0, no DEFER_TASKRUN)', COOP, COOP, whenUring],
  ['COOP_TASKRUN|TASKRUN_FLAG (5.19)', COOP_TASKRUN | TASKRUN_FLAG, COOP_TASKRUN | TASKRUN_FLAG, whenUring],
  ['no flags (before 5.19)', 0, 0, whenUring],
];

const A: [string, number] = ['a', 1]; // fd 'a' reported readable (EVENT_READ)

for (const [label, forced, ringFlags, gate] of MODES) {
  gate.test(`${label}: fileno() is watchable before and after select(), by poll(2) and by Node's loop`, () => {
    const env = { ...process.env };
    if (forced !== undefined) env.IOMUX_URING_SETUP_FLAGS = String(forced);
    const { status, signal, json, stderr } = runFixture('selector-fileno.js', [], env, 60000);
    expect(stderr).toBe('');
    expect([status, signal]).toEqual([0, null]);
    expect(json).toEqual([{
      // A DEFER_TASKRUN ring gives out its eventfd; util.inspect shows the ring fd until fileno() gave one out.
      identity: { ringFlags, fileno: ringFlags & DEFER_TASKRUN ? 'eventfd' : 'io_uring', stable: true, inspectedBefore: 'io_uring', inspectedAfter: true },
      beforeSelect: { idle: false, afterSend: true, selected: [A] },
      registeredLater: { readable: true, selected: [A] },
      afterSelect: { first: [A], stillReady: true, again: [A], afterDrain: [], drainedReadable: false, newData: true, selectedNew: [A] },
      timed: { first: [A], next: [A], waited: true },
      blockingPoll: { idle: [], woke: true, selected: [A] },
      nodeLoop: { idle: 0, woke: 1, found: [A], drained: [], own: [A] },
      leaked: [],
    }]);
  }, 90000);
}
