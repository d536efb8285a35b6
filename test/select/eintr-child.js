// Run by eintr.test.ts in its own process: waits 1 s with one mechanism while the test sends a
// storm of SIGUSR2 (handled, so each one interrupts the wait with EINTR), then reports.
'use strict';
/* global setTimeout */
const path = require('node:path');
const root = path.join(__dirname, '..', '..');
const native = process.env.IOMUX_ADDON ? require(path.resolve(process.env.IOMUX_ADDON)) : require('node-gyp-build')(root);

const mode = process.argv[2];
let signals = 0;
process.on('SIGUSR2', () => {
  signals++;
});

const p = new Int32Array(2);
if (native.pipe(p) !== 0) throw new Error('pipe failed');
const [r] = p;
let wait;
if (mode === 'select') {
  const fds = Int32Array.of(r);
  const ready = new Int32Array(1);
  wait = () => native.select(fds, 1, 0, 0, ready, 1e6);
} else if (mode === 'poll') {
  const pollfds = new Int32Array(2);
  pollfds[0] = r;
  new Int16Array(pollfds.buffer)[2] = native.constants.POLLIN;
  const out = new Int32Array(2);
  wait = () => native.poll(pollfds, 1, out, 1000);
} else if (mode === 'epoll') {
  const ep = native.epollCreate();
  if (native.epollCtl(ep, native.constants.EPOLL_CTL_ADD, r, native.constants.EPOLLIN) !== 0) throw new Error('epoll_ctl');
  const out = new Int32Array(2);
  wait = () => native.epollWait(ep, out, 1, 1000);
} else {
  throw new Error(`unknown mode ${mode}`);
}

process.stdout.write('ready\n');
const t0 = process.hrtime.bigint();
const result = wait();
const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
// Let the queued signal callbacks run before reporting how many arrived.
setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ result, elapsed, signals })}\n`);
  process.exit(0);
}, 100);
