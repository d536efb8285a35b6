// The soak's traffic: a separate node process that keeps a bounded number of loopback
// connections to each port given on the command line, each doing a few echo round trips and
// closing (connection churn). Commands on stdin: "pause" (finish the connections in flight,
// start none, then print "paused <round trips>"), "resume", "stop" (as pause, then exit).
'use strict';
const { Buffer } = require('node:buffer');
const { setImmediate, setTimeout } = require('node:timers');
const net = require('node:net');

const ports = process.argv.slice(2).map(Number);
const PER_PORT = 6; // connections open at once, per port
const MAX_ROUNDS = 20; // round trips per connection, at most
const MAX_BYTES = 4096; // bytes per message, at most
let roundTrips = 0;
let active = 0;
let paused = false;
let stopping = false;

function connection(port) {
  active++;
  const sock = net.connect(port, '127.0.0.1');
  let rounds = 1 + Math.floor(Math.random() * MAX_ROUNDS);
  let expected = 0;
  let got = 0;
  const send = () => {
    expected = 1 + Math.floor(Math.random() * MAX_BYTES);
    got = 0;
    sock.write(Buffer.alloc(expected, rounds & 0xff));
  };
  sock.on('connect', send);
  sock.on('data', (data) => {
    got += data.length;
    if (got < expected) return;
    roundTrips++;
    if (--rounds > 0 && !paused) setTimeout(send, 1); // bounded: about 1000 round trips/s per connection
    else sock.end();
  });
  sock.on('error', () => sock.destroy());
  sock.on('close', () => {
    active--;
    if (!paused) setImmediate(() => connection(port));
    else if (active === 0) settled();
  });
}

function settled() {
  process.stdout.write(`paused ${roundTrips}\n`);
  if (stopping) process.exit(0);
}

function start() {
  for (const port of ports) for (let i = 0; i < PER_PORT; i++) connection(port);
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  let nl;
  while ((nl = input.indexOf('\n')) >= 0) {
    const command = input.slice(0, nl);
    input = input.slice(nl + 1);
    if (command === 'pause' || command === 'stop') {
      stopping = command === 'stop';
      paused = true;
      if (active === 0) settled();
    } else if (command === 'resume') {
      paused = false;
      start();
    }
  }
});
process.stdin.on('end', () => process.exit(0)); // the soak died: do not outlive it
start();
