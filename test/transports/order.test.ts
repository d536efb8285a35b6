// Transports against the oracle: each scenario runs through CPython's asyncio transports (a
// python3 child running order-oracle.py) and through the transports of every loop of ./loops, on
// a socketpair, and the protocol callbacks must come in the same order with the same arguments.
import path from 'node:path';
import { Protocol, type Transport } from '../../lib';
import { socketpair } from '../../lib/socket';
import { runSync, succeeded } from '../helpers/child';
import { whenCommand } from '../helpers/platform';
import { LOOPS, type AnyLoop } from './loops';

const ORACLE = path.join(__dirname, 'order-oracle.py');
const withPython = whenCommand('python3');
// How a stream's bytes split into dataReceived calls, and how two connections' callbacks
// interleave, depend on when readiness is seen (a waiter thread, a completion): echo-eof, whose
// bytes flow both ways at once, is compared per connection with consecutive data joined.
function perConnection(log: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entry of log) {
    const events = (out[entry[0]] ??= []);
    const last = events.at(-1);
    if (last?.startsWith(`${entry[0]} data `) && entry.startsWith(`${entry[0]} data `)) events[events.length - 1] = last + entry.slice(7);
    else events.push(entry);
  }
  return out;
}
const MIB = 1 << 20;

function oracle(scenario: string): string[] {
  const r = runSync('python3', [ORACLE, scenario], { timeoutMs: 30000 });
  succeeded(r, 'python3 asyncio oracle');
  return JSON.parse(r.lines.at(-1)!) as string[];
}

async function ours(makeLoop: () => AnyLoop, scenario: string): Promise<string[]> {
  const log: string[] = [];
  const loop = makeLoop();
  const protos: P[] = [];
  let allLost: () => void = () => {};
  const done = new Promise<void>((resolve) => (allLost = resolve));
  const act = (p: P, event: string, data?: Buffer): boolean | undefined => {
    const { t, name } = p;
    if (scenario === 'echo-eof') {
      if (name === 'A' && event === 'made') {
        t.write(Buffer.from('ping'));
        t.writeEof();
      }
      if (name === 'B' && event === 'data') t.write(Buffer.from(data!.toString().toUpperCase()));
      if (name === 'B' && event === 'eof') {
        t.write(Buffer.from('bye'));
        t.close();
        return true;
      }
    } else if (scenario === 'made-throws' && name === 'B' && event === 'made') {
      throw new RangeError('boom');
    } else if (scenario === 'data-throws' && name === 'B' && event === 'data') {
      throw new RangeError('boom');
    } else if ((scenario === 'close-buffered' || scenario === 'abort-buffered') && name === 'A' && event === 'made') {
      t.write(Buffer.alloc(MIB, 'x'));
      log.push(`A buffered ${t.getWriteBufferSize() > 0 ? 'True' : 'False'}`);
      if (scenario === 'close-buffered') t.close();
      else t.abort();
      log.push(`A closing ${t.isClosing() ? 'True' : 'False'}`);
    } else if (scenario === 'flow' && name === 'A' && event === 'made') {
      t.setWriteBufferLimits(1000);
      log.push(`A limits (${t.getWriteBufferLimits().join(', ')})`);
      t.write(Buffer.alloc(MIB, 'x'));
      t.close();
    } else if (scenario === 'flow' && name === 'B' && event === 'made') {
      t.pauseReading();
      log.push(`B reading ${t.isReading() ? 'True' : 'False'}`);
      loop.callLater(0.05, () => {
        log.push('B resumes');
        t.resumeReading();
      });
    } else if (scenario === 'pause-reading' && name === 'B' && event === 'made') {
      t.pauseReading();
      loop.callLater(0.05, () => {
        log.push('B resumes');
        t.resumeReading();
      });
    } else if (scenario === 'pause-reading' && name === 'A' && event === 'made') {
      t.write(Buffer.from('one'));
      t.close();
    }
    if (event === 'lost') {
      p.lost = true;
      if (protos.every((q) => q.lost)) allLost();
    }
    return undefined;
  };
  const py = (b: boolean): string => (b ? 'True' : 'False');
  class P extends Protocol {
    t!: Transport;
    got = 0;
    lost = false;
    constructor(readonly name: string) {
      super();
    }
    override connectionMade(t: Transport): void {
      this.t = t;
      log.push(`${this.name} made`);
      act(this, 'made');
    }
    override dataReceived(d: Buffer): void {
      this.got += d.length;
      if (['echo-eof', 'made-throws', 'data-throws', 'pause-reading'].includes(scenario)) log.push(`${this.name} data ${d.toString()}`);
      act(this, 'data', d);
    }
    override eofReceived(): boolean | undefined {
      const got = scenario !== 'abort-buffered' ? String(this.got) : this.got < MIB ? 'partial' : 'all';
      log.push(`${this.name} eof ${got}`);
      return act(this, 'eof');
    }
    override connectionLost(e: Error | null): void {
      log.push(`${this.name} lost ${e ? 'ValueError' : 'None'}`);
      act(this, 'lost');
    }
    override pauseWriting(): void {
      log.push(`${this.name} pause ${py(this.t.getWriteBufferSize() > 1000)}`);
    }
    override resumeWriting(): void {
      log.push(`${this.name} resume ${py(this.t.getWriteBufferSize() <= 250)}`);
    }
  }
  // asyncio's messages, with Python's method names.
  const pyNames = (m: string): string => m.replace('dataReceived', 'data_received').replace('connectionMade', 'connection_made');
  loop.setExceptionHandler((_l, c) => log.push(`handler ${pyNames(String(c.message).split('(')[0])} ValueError`));
  const make = (name: string) => () => {
    const p = new P(name);
    protos.push(p);
    return p;
  };
  const [a, b] = socketpair();
  const running = loop.run();
  await Promise.all([loop.connectAcceptedSocket(make('A'), a), loop.connectAcceptedSocket(make('B'), b)]);
  if (scenario === 'made-throws') {
    protos[0].t.write(Buffer.from('hi'));
    protos[0].t.close();
  }
  if (scenario === 'data-throws') protos[0].t.write(Buffer.from('hi'));
  await done;
  loop.stop();
  await running;
  loop.close();
  return log;
}

// On a completion loop (asyncio's proactor too) a write is in the kernel at once and completes
// later: in made-throws A's close() waits for its send's completion, which comes in the same
// harvest as B's receive of it, so the two connections interleave otherwise (each one's own order
// is the same); in abort-buffered the whole megabyte was handed to the kernel before abort(), so
// the peer may get all of it.
const COMPLETION_PER_CONNECTION = new Set(['made-throws']);
const completionSent = (log: string[]): string[] => log.map((e) => (e === 'B eof all' ? 'B eof partial' : e));

for (const [name, make, gate] of LOOPS) {
  const completion = name !== 'EventLoop';
  (gate.runs ? withPython : gate).describe(`${name}: transport callbacks in the order CPython asyncio calls them`, () => {
    test('echo-eof (per connection)', async () => {
      expect(perConnection(await ours(make, 'echo-eof'))).toEqual(perConnection(oracle('echo-eof')));
    });
    for (const scenario of ['made-throws', 'data-throws', 'close-buffered', 'abort-buffered', 'flow', 'pause-reading']) {
      const perConn = completion && COMPLETION_PER_CONNECTION.has(scenario);
      test(perConn ? `${scenario} (per connection)` : scenario, async () => {
        let got = await ours(make, scenario);
        if (completion && scenario === 'abort-buffered') got = completionSent(got);
        if (perConn) expect(perConnection(got)).toEqual(perConnection(oracle(scenario)));
        else expect(got).toEqual(oracle(scenario));
      });
    }
  });
}
