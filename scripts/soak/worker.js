// One soak worker thread: its own EventLoop echoing over a socketpair, with timers, then a clean
// exit ("done" posted) — unless the soak terminates it first, mid-run, which must leak nothing.
'use strict';
const { Buffer } = require('node:buffer');
const { parentPort, workerData } = require('node:worker_threads');
const { EventLoop, socket } = require(workerData.dist);

const ROUNDS = 200;
const loop = new EventLoop();
const [a, b] = socket.socketpair();
a.setblocking(false);
b.setblocking(false);
let rounds = 0;
loop.addReader(b, () => {
  const data = b.recv(4096);
  if (data.length > 0) b.send(data);
});
loop.addReader(a, () => {
  a.recv(4096);
  if (++rounds === ROUNDS) return loop.stop();
  // a timer between round trips, and one cancelled
  loop.callLater(0.001, () => a.send(Buffer.from('ping')));
  loop.callLater(10, () => {}).cancel();
});
parentPort.postMessage({ ready: true }); // iomux is loaded: from now on a terminate lands mid-run
a.send(Buffer.from('ping'));
loop.run().then(() => {
  loop.close();
  a.close();
  b.close();
  parentPort.postMessage({ rounds });
});
