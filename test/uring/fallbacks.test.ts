// What older kernels leave: each setup-flag fallback (IOMUX_URING_SETUP_FLAGS) and close() without
// IORING_REGISTER_SYNC_CANCEL (IOMUX_URING_NO_SYNC_CANCEL=1), each in a child process running
// fixtures/fallback.js: ops complete, the ring fd can be watched (except DEFER_TASKRUN), close()
// cancels and drains pending ops without leaking an fd.
import { whenUring } from '../helpers/platform';
import { runFixture } from './helpers';

const SINGLE_ISSUER = 1 << 12;
const DEFER_TASKRUN = 1 << 13;
const COOP_TASKRUN = 1 << 8;
const TASKRUN_FLAG = 1 << 9;

const MODES: Array<[string, number, boolean]> = [
  ['no flags (before 5.19)', 0, true],
  ['COOP_TASKRUN|TASKRUN_FLAG (5.19)', COOP_TASKRUN | TASKRUN_FLAG, true],
  ['SINGLE_ISSUER|COOP_TASKRUN|TASKRUN_FLAG (the default)', SINGLE_ISSUER | COOP_TASKRUN | TASKRUN_FLAG, true],
  ['SINGLE_ISSUER|DEFER_TASKRUN|TASKRUN_FLAG', SINGLE_ISSUER | DEFER_TASKRUN | TASKRUN_FLAG, false],
];

for (const [label, flags, watchable] of MODES) {
  for (const noSync of [false, true]) {
    whenUring.test(`${label}${noSync ? ', close() without SYNC_CANCEL (before 6.0)' : ''}: ops, watch, cancel-and-drain close`, () => {
      const env = { ...process.env, IOMUX_URING_SETUP_FLAGS: String(flags), IOMUX_URING_NO_SYNC_CANCEL: noSync ? '1' : '' };
      const { status, signal, json: lines, stderr } = runFixture('fallback.js', [], env);
      expect(stderr).toBe('');
      expect([status, signal]).toEqual([0, null]);
      expect(lines).toEqual([{ flags, echoed: 'fallback', selected: [[1, 1]], watchWoke: watchable, closedFast: true, leaked: [], peersSawEof: true }]);
    }, 60000);
  }
}
