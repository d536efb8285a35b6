// The soak's load inside the process: an echo server on an EventLoop (readers, plus sock*
// connections to itself: connection churn), an echo server on a PollSelector driven by
// selectAsync (the waiter thread), timers (callLater, callSoon, cancelled ones) and worker
// threads created and terminated. pause() lets everything in flight finish and starts nothing.
'use strict';
const { Buffer } = require('node:buffer');
const { clearTimeout, setTimeout } = require('node:timers');
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const DIST = path.resolve(__dirname, '../../dist/index.js');
const { EventLoop, PollSelector, EVENT_READ, socket } = require(DIST);

const AGAIN = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
const MAX_WORKERS = 2;

function listener() {
  const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  sock.bind(['127.0.0.1', 0]);
  sock.listen(128);
  sock.setblocking(false);
  return sock;
}

// Accepts what is queued; undefined once nothing is.
function acceptOne(sock) {
  try {
    const [conn] = sock.accept();
    conn.setblocking(false);
    return conn;
  } catch (err) {
    if (AGAIN.has(err.code) || err.code === 'ECONNABORTED') return undefined;
    throw err;
  }
}

// Echoes what is there; false once the peer is gone (the caller unregisters and closes).
function echo(conn, counts) {
  let data;
  try {
    data = conn.recv(65536);
  } catch (err) {
    if (AGAIN.has(err.code)) return true;
    if (err.code === 'ECONNRESET') return false;
    throw err;
  }
  if (data.length === 0) return false;
  conn.sendall(data); // the client waits for each echo: it fits the send buffer
  counts.echoes++;
  return true;
}

class Load {
  constructor({ terminateDuringStart = false } = {}) {
    this.terminateDuringStart = terminateDuringStart;
    this.counts = { echoes: 0, accepted: 0, selfConnections: 0, timers: 0, workers: 0, terminated: 0 };
    this.open = 0; // server-side connections open now, both servers
    this.paused = false;
    this.loop = new EventLoop();
    this.loop.setExceptionHandler((_loop, context) => {
      this.failure = context.exception ?? new Error(context.message);
    });
    this.loopListener = listener();
    this.asyncSelector = new PollSelector();
    this.asyncListener = listener();
    this.workers = new Set();
    this.churning = 0;
  }

  /** The ports the client drives. */
  ports() {
    return [this.loopListener.getsockname()[1], this.asyncListener.getsockname()[1]];
  }

  start() {
    const { loop } = this;
    loop.addReader(this.loopListener, () => {
      for (let conn; (conn = acceptOne(this.loopListener)) !== undefined; ) {
        this.counts.accepted++;
        this.open++;
        loop.addReader(conn, () => {
          if (echo(conn, this.counts)) return;
          loop.removeReader(conn);
          conn.close();
          this.open--;
        });
      }
    });
    this.running = loop.run();
    this.selectLoop = this.#selectAsyncLoop();
    this.#timers();
    this.resume();
  }

  resume() {
    this.paused = false;
    for (let i = 0; i < 3; i++) this.#selfConnection();
    this.#workerTick();
  }

  pause() {
    this.paused = true;
    clearTimeout(this.workerTimer);
  }

  /** Whether nothing is in flight: no connection, no worker, no self connection. */
  idle() {
    return this.open === 0 && this.workers.size === 0 && this.churning === 0;
  }

  async stop() {
    this.pause();
    this.stopping = true;
    this.loop.stop();
    await this.running;
    await this.selectLoop;
    this.loop.close();
    this.asyncSelector.close();
    this.loopListener.close();
    this.asyncListener.close();
  }

  // The selectAsync server: the PollSelector waits on its waiter thread.
  async #selectAsyncLoop() {
    const sel = this.asyncSelector;
    sel.register(this.asyncListener, EVENT_READ, 'listener');
    while (!this.stopping) {
      for (const [key] of await sel.selectAsync(0.5)) {
        if (key.data === 'listener') {
          for (let conn; (conn = acceptOne(this.asyncListener)) !== undefined; ) {
            this.counts.accepted++;
            this.open++;
            sel.register(conn, EVENT_READ, 'conn');
          }
        } else if (!echo(key.fileobj, this.counts)) {
          sel.unregister(key.fileobj);
          key.fileobj.close();
          this.open--;
        }
      }
    }
  }

  // A connection from this process to its own EventLoop server with sockConnect/sockSendall/
  // sockRecv, closed after one round trip; the next one starts a little later.
  async #selfConnection() {
    if (this.paused || this.stopping) return;
    const { loop } = this;
    this.churning++;
    const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    try {
      sock.setblocking(false);
      await loop.sockConnect(sock, ['127.0.0.1', this.ports()[0]]);
      const message = Buffer.alloc(100, 7);
      await loop.sockSendall(sock, message);
      let got = 0;
      while (got < message.length) {
        const data = await loop.sockRecv(sock, 4096);
        if (data.length === 0) throw new Error('self connection: early end of stream');
        got += data.length;
      }
      this.counts.selfConnections++;
    } catch (err) {
      if (!this.stopping) this.failure = err;
    } finally {
      sock.close();
      this.churning--;
    }
    if (!this.loop.isClosed()) this.loop.callLater(0.005, () => this.#selfConnection());
  }

  // Timers: a self-rescheduling chain with a callSoon burst and cancelled timers each step.
  #timers() {
    const { loop } = this;
    const step = () => {
      if (this.stopping) return;
      this.counts.timers++;
      for (let i = 0; i < 10; i++) loop.callSoon(() => this.counts.timers++);
      for (let i = 0; i < 10; i++) loop.callLater(Math.random(), () => {}).cancel();
      loop.callLater(Math.random() * 0.02, step);
    };
    loop.callSoon(step);
  }

  // A worker every 200 ms, at most MAX_WORKERS at once; one in three is terminated, half of those
  // while they still load iomux (all of them with terminateDuringStart), the others mid-run.
  #workerTick() {
    if (this.paused) return;
    this.workerTimer = setTimeout(() => this.#workerTick(), 200);
    if (this.workers.size >= MAX_WORKERS) return;
    const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: { dist: DIST } });
    this.workers.add(worker);
    this.counts.workers++;
    worker.on('error', (err) => {
      this.failure = err;
    });
    worker.on('exit', () => this.workers.delete(worker));
    if (Math.random() < 1 / 3) {
      const terminate = () =>
        setTimeout(() => {
          this.counts.terminated++;
          void worker.terminate();
        }, Math.random() * 50);
      // A terminate while the worker still loads the addon once aborted the whole process
      // (test/workers/terminate-during-load.test.ts): keep trying it.
      if (this.terminateDuringStart || Math.random() < 1 / 2) terminate();
      else worker.once('message', terminate);
    }
  }
}

module.exports = { Load };
