// The crossings between JavaScript and the addon of an iomux contender, counted for `--syscalls`
// (which sets IOMUX_COUNT_CALLS=1 in the servers it starts). Counted here, in the bench's own
// contenders, by wrapping the addon's functions before iomux is loaded, rather than inside the
// addon: the library carries no counter and no check for one, so a server that does not count
// runs exactly the code users run, and the count needs no rebuild. `calls` are JavaScript→native
// (every addon function called), `callbacks` native→JavaScript (every function handed to the
// addon, e.g. the libuv watcher of EventLoop, when the addon calls it).
// A server is killed, never asked to stop, and a sync loop never returns to Node's event loop, so
// the counts go out on stdout, one JSON line `{"crossings": {"calls": C, "callbacks": K, "byName": {addon function: calls}}}`, each
// time the last of the connections accepted through accept(2) is closed: when a load generator
// has gone.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** Installs the counter when IOMUX_COUNT_CALLS=1; call it before anything requires `dist`. */
function installCallCounter(dist) {
  if (process.env.IOMUX_COUNT_CALLS !== '1') return;
  const { native } = require(path.join(dist, 'native.js'));
  const counts = { calls: 0, callbacks: 0, byName: {} };
  const accepted = new Set();
  const counted = (f) =>
    function (...args) {
      counts.callbacks++;
      return f.apply(this, args);
    };
  for (const name of Object.keys(native)) {
    const f = native[name];
    if (typeof f !== 'function') continue;
    counts.byName[name] = 0;
    native[name] = function (...args) {
      counts.calls++;
      counts.byName[name]++;
      for (let i = 0; i < args.length; i++) if (typeof args[i] === 'function') args[i] = counted(args[i]);
      const r = f.apply(this, args);
      if (name === 'accept' && Array.isArray(r)) accepted.add(r[0]);
      else if (name === 'close' && accepted.delete(args[0]) && accepted.size === 0) {
        fs.writeSync(1, JSON.stringify({ crossings: counts }) + '\n');
      }
      return r;
    };
  }
}

module.exports = { installCallCounter };
