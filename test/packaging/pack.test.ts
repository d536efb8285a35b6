// The published package, as a user gets it. `npm pack` (whose prepack builds the prebuild and
// dist/ afresh) runs in a clean checkout of the sources and in a copy of the work tree as it is,
// build outputs and all: both give the same files. The clean tarball is then installed into an
// empty project with --ignore-scripts and no compiler on PATH, so the addon can only come from
// prebuilds/ through node-gyp-build. Used there from require and from import, and from the
// command line: `npx iomux bench` and `npx iomux example` (docs/API.md, "Command line").
// Everything is written into a temporary folder: the work tree is left as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run as runAsync, runSync, succeeded } from '../helpers/child';
import { linuxOnly, when } from '../helpers/platform';
import { row, type BenchRow } from './bench-rows';
import { cleanCopy, findNpm, ROOT as root, run } from './run';

const prebuildDir = path.join('prebuilds', `${process.platform}-${process.arch}`);

/** `npm pack` in dir into out (its own folder): the tarball's path and its file list. */
async function pack(dir: string, out: string): Promise<{ tarball: string; files: string[] }> {
  fs.mkdirSync(out);
  const args = [findNpm(), 'pack', '--json', '--pack-destination', out, '--loglevel=error'];
  const stdout = succeeded(await runAsync(process.execPath, args, { cwd: dir, timeoutMs: 540_000 }), `npm pack in ${dir}`);
  // Lifecycle scripts print to stdout too: the JSON report is the last thing written.
  const [report] = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1)) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(out, report.filename), files: report.files.map((f) => f.path).sort() };
}

/** A copy of the work tree as it is (build outputs included), without .git and node_modules. */
function workTreeCopy(dir: string): void {
  fs.cpSync(root, dir, {
    recursive: true,
    filter: (src) => ![path.join(root, '.git'), path.join(root, 'node_modules')].includes(src),
  });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
}

// The consumer sees one Node and npm only: a folder of two links is its whole PATH.
const scenarioCjs = `
const path = require('node:path');
const { DefaultSelector, EVENT_READ, socket } = require('iomux');
const addon = require('node-gyp-build').resolve(path.dirname(require.resolve('iomux/package.json')));
const [a, b] = socket.socketpair();
const sel = new DefaultSelector();
try {
  sel.register(b, EVENT_READ, 'peer');
  a.send(Buffer.from('ping'));
  const ready = sel.select(5);
  console.log(JSON.stringify({ addon, n: ready.length, data: ready[0][0].data, events: ready[0][1], got: b.recv(16).toString() }));
} finally {
  sel.close(); a.close(); b.close();
}`;

const scenarioEsm = `
import { DefaultSelector, EVENT_READ, socket } from 'iomux';
const [a, b] = socket.socketpair();
const sel = new DefaultSelector();
try {
  sel.register(b, EVENT_READ, 'peer');
  a.send(Buffer.from('ping'));
  const ready = sel.select(5);
  console.log(JSON.stringify({ n: ready.length, data: ready[0][0].data, events: ready[0][1], got: b.recv(16).toString() }));
} finally {
  sel.close(); a.close(); b.close();
}`;

// The subpath entry points, each loaded on its own.
const subpathsCjs = `
const ios = require('iomux/os');
const [r, w] = ios.pipe();
try {
  ios.write(w, Buffer.from('pong'));
  console.log(JSON.stringify({ got: ios.read(r, 16).toString(),
    select: typeof require('iomux/select').select, socketpair: typeof require('iomux/socket').socketpair,
    errno: require('iomux/errno').errorcode[require('iomux/errno').ENOENT] }));
} finally { ios.close(r); ios.close(w); }`;

const subpathsEsm = `
import { pipe, read, write, close } from 'iomux/os';
import { select } from 'iomux/select';
import { socketpair } from 'iomux/socket';
import { ENOENT, errorcode } from 'iomux/errno';
const [r, w] = pipe();
try {
  write(w, Buffer.from('pong'));
  console.log(JSON.stringify({ got: read(r, 16).toString(), select: typeof select, socketpair: typeof socketpair, errno: errorcode[ENOENT] }));
} finally { close(r); close(w); }`;

// Typed use from a CommonJS .ts and an ES module .mts, resolved through the exports map.
const typedCts = `import { DefaultSelector, EVENT_READ, socket } from 'iomux';
import { pipe } from 'iomux/os';
const sel: InstanceType<typeof DefaultSelector> = new DefaultSelector();
const events: number = EVENT_READ;
const pair = socket.socketpair();
const fds: number[] = pipe();
export { sel, events, pair, fds };
`;

/** The directory of a program on this PATH (python3 through pyenv's shim: the interpreter itself), or undefined. */
function programDir(cmd: string, realpathArgs: string[] = []): string | undefined {
  const r = runSync('/bin/sh', ['-c', `command -v ${cmd}`]);
  if (r.status !== 0) return undefined;
  if (realpathArgs.length === 0) return path.dirname(r.stdout.trim());
  const real = runSync(r.stdout.trim(), realpathArgs);
  return real.status === 0 ? path.dirname(real.stdout.trim()) : undefined;
}

const ccDir = programDir('cc');
const pythonDir = programDir('python3', ['-c', 'import sys; print(sys.executable)']);

// A user's server for `npx iomux bench --server`: node:http on the PORT the bench hands it.
const userServer = `
const http = require('node:http');
const server = http.createServer((req, res) => res.end('hello'));
server.listen(Number(process.env.PORT), '127.0.0.1');`;

// Variants of the suite (a forced backend, another build of the addon) do not change the package;
// it is tested in the plain run, once under each Node version.
const variant = ['IOMUX_ADDON', 'IOMUX_SELECTOR', 'IOMUX_URING'].find((name) => process.env[name]) ?? '';
when(!variant, `${variant} selects a variant of the addon, not the package`).describe('the packed tarball, installed without a compiler', () => {
  let tmp = '';
  let consumer = '';
  let env: NodeJS.ProcessEnv = {};
  let files: string[] = [];
  let treeFiles: string[] = [];
  let tarball = '';

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iomux-pack-'));
    cleanCopy(path.join(tmp, 'clean'));
    workTreeCopy(path.join(tmp, 'tree'));
    const [clean, tree] = await Promise.all([
      pack(path.join(tmp, 'clean'), path.join(tmp, 'clean-out')),
      pack(path.join(tmp, 'tree'), path.join(tmp, 'tree-out')),
    ]);
    ({ tarball, files } = clean);
    treeFiles = tree.files;

    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.symlinkSync(findNpm(), path.join(bin, 'npm'));
    // Only what npm needs to find its cache and configuration: no npm_config_* from the outer npm.
    env = { PATH: bin, HOME: os.homedir() };

    consumer = path.join(tmp, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run(path.join(bin, 'node'), [path.join(bin, 'npm'), 'install', '--ignore-scripts', '--no-audit', '--no-fund',
      '--prefer-offline', '--loglevel=error', tarball], { cwd: consumer, env });
  }, 600_000); // two npm packs, each compiling the addon from scratch: minutes on a busy 2-core machine

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('packing the work tree as it is gives the same files as packing a clean checkout', () => {
    expect(treeFiles).toEqual(files);
  });

  test('the tarball holds the prebuild, the compiled code with its types, and the native sources', () => {
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'binding.gyp', 'native/addon.cc',
      'dist/index.js', 'dist/index.d.ts', 'dist/os.js', 'dist/os.d.ts',
      'bin/iomux.js', 'bench/run.js', 'bench/trials.js', 'bench/lib/runner.js',
      'bench/contenders/c.c', 'bench/contenders/iomux.js', 'bench/contenders/python.py',
      'bench/clients/echo-client.c', 'bench/clients/http-client.c',
      'dist/examples/selectors-echo.js', 'dist/examples/args.js',
      'dist/examples/prefork.js', 'dist/examples/node-interop.js',
    ]));
    // Nothing the bench writes or builds, and no TypeScript of the examples (they ship compiled).
    expect(files.filter((f) => /^(bench\/results|examples)\//.test(f))).toEqual([]);
    expect(files.some((f) => f.startsWith(`${prebuildDir}/`) && f.endsWith('.node'))).toBe(true);
    expect(files.filter((f) => /^(build|build-[^/]+|test|lib|node_modules)\//.test(f))).toEqual([]);
  });

  test('the consumer has no compiler, make or python on its PATH', () => {
    for (const tool of ['cc', 'gcc', 'g++', 'c++', 'clang', 'make', 'python3', 'python']) {
      const r = runSync('/bin/sh', ['-c', `command -v ${tool}`], { env });
      expect({ tool, status: r.status }).toEqual({ tool, status: expect.not.stringMatching(/^0$/) });
      expect({ tool, found: r.stdout.trim() }).toEqual({ tool, found: '' });
    }
    // Nothing was built at install: no build/ in the installed package.
    expect(fs.existsSync(path.join(consumer, 'node_modules', 'iomux', 'build'))).toBe(false);
  });

  test('require: a socketpair through a DefaultSelector, on the prebuild', () => {
    const out = JSON.parse(run('node', ['-e', scenarioCjs], { cwd: consumer, env }));
    expect(out).toEqual({ addon: expect.any(String), n: 1, data: 'peer', events: 1, got: 'ping' });
    expect(out.addon).toContain(path.join('node_modules', 'iomux', prebuildDir) + path.sep);
  });

  test('import: a socketpair through a DefaultSelector', () => {
    const out = JSON.parse(run('node', ['--input-type=module', '-e', scenarioEsm], { cwd: consumer, env }));
    expect(out).toEqual({ n: 1, data: 'peer', events: 1, got: 'ping' });
  });

  test.each([['require', ['-e', subpathsCjs]], ['import', ['--input-type=module', '-e', subpathsEsm]]])(
    '%s of iomux/os, iomux/select, iomux/socket and iomux/errno',
    (_how, args) => {
      const out = JSON.parse(run('node', args as string[], { cwd: consumer, env }));
      expect(out).toEqual({ got: 'pong', select: 'function', socketpair: 'function', errno: 'ENOENT' });
    },
  );

  test('types resolve through the exports map, for require (.ts) and for import (.mts)', () => {
    fs.writeFileSync(path.join(consumer, 'use.ts'), typedCts);
    fs.writeFileSync(path.join(consumer, 'use.mts'), typedCts);
    fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'node16', moduleResolution: 'node16', target: 'ES2022', strict: true, noEmit: true,
        types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')],
      },
      files: ['use.ts', 'use.mts'],
    }));
    run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], { cwd: consumer });
  }, 120_000);
  /**
   * `npx iomux …` in the consumer (npm exec: the bin npm linked at install). npm exec runs the bin
   * through a shell, found on PATH unless npm's script-shell names one: here /bin/sh, since the
   * PATH holds only node and npm.
   */
  function npx(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
    return runSync(path.join(tmp, 'bin', 'node'), [path.join(tmp, 'bin', 'npm'), 'exec', '--', 'iomux', ...args],
      { cwd: consumer, env: { npm_config_script_shell: '/bin/sh', ...(opts.env ?? env) }, timeoutMs: opts.timeoutMs ?? 170_000 });
  }

  test('npx iomux example lists the examples, each with its first sentence', () => {
    const r = npx(['example']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}selectors-echo +The selectors example/m);
    expect(r.stdout).toMatch(/^ {2}level-vs-edge +Level- vs edge-triggered/m);
    expect(r.stdout).toMatch(/^ {2}multicore +More than one core/m);
    expect(r.stdout).toMatch(/^ {2}prefork +Prefork: one listening socket/m);
    expect(r.stdout).not.toMatch(/^ {2}args /m);
  }, 60_000);

  linuxOnly.test('npx iomux example level-vs-edge runs the compiled example to its end', () => {
    const r = npx(['example', 'level-vs-edge']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^read 4 bytes \(6 unread\) +EPOLLIN +-$/m);
  }, 60_000);

  test('npx iomux example with an unknown name fails, naming the examples there are', () => {
    const r = npx(['example', 'no-such-example']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no example "no-such-example"; there are: .*selectors-echo/);
  }, 60_000);

  test('npx iomux bench with a wrong option fails with the usage', () => {
    const r = npx(['bench', '--backends', 'epoll,nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--backends: nope not one of epoll, poll, select, kqueue, uring\nusage: iomux bench/);
  }, 60_000);

  linuxOnly.test('npx iomux bench --quick, with only node and npm: iomux and node rows run, the others say why not', () => {
    const cache = path.join(tmp, 'cache-bare');
    const r = npx(['bench', '--quick', '--json', 'quick.json', '--svg', 'quick.svg'], { env: { ...env, XDG_CACHE_HOME: cache } });
    expect({ status: r.status, errors: r.stderr.match(/ERROR.*/g) }).toEqual({ status: 0, errors: null });
    expect(r.stdout).toMatch(/^== chain: ns per hop/m);
    expect(r.stdout).toMatch(/no python3; no C compiler/);
    const { rows, meta } = JSON.parse(fs.readFileSync(path.join(consumer, 'quick.json'), 'utf8')) as { rows: BenchRow[]; meta: { seconds: number } };
    const chain = { n: 100, active: 100, writes: 1000 };
    for (const c of ['iomux-epoll-sync', 'iomux-epoll-async', 'node-net']) expect(row(rows, 'chain', c, chain).median).toBeGreaterThan(0);
    expect(row(rows, 'chain', 'c-epoll', chain).na).toBe('no C compiler on PATH (cc, gcc or clang)');
    expect(row(rows, 'chain', 'python-epoll', chain).na).toBe('no python3 on PATH');
    expect(row(rows, 'echo', 'node-net', { conns: 50 }).na).toMatch(/^the echo load generator is C .*no C compiler/);
    expect(row(rows, 'http', 'node-http', { conns: 50 }).na).toMatch(/^no wrk on PATH, and bench\/clients\/http-client.c not built/);
    expect(fs.readFileSync(path.join(consumer, 'quick.svg'), 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*iomux-epoll-sync[\s\S]*<\/svg>\n$/);
    expect(fs.existsSync(cache)).toBe(false); // nothing to build without a compiler
    process.stdout.write(`npx iomux bench --quick (node and npm only): ${meta.seconds.toFixed(1)} s\n`);
  }, 180_000);

  when(process.platform === 'linux' && !!ccDir && !!pythonDir, 'needs Linux, cc and python3')
    .test('npx iomux bench --quick with cc and python3 on PATH: the C and CPython rows run; the C programs go to the cache', () => {
      const cache = path.join(tmp, 'cache-cc');
      const full = { ...env, PATH: [path.join(tmp, 'bin'), pythonDir, ccDir, '/usr/bin', '/bin'].join(path.delimiter), XDG_CACHE_HOME: cache };
      const r = npx(['bench', '--quick', '--json', 'quick-cc.json'], { env: full });
      expect({ status: r.status, errors: r.stderr.match(/ERROR.*/g) }).toEqual({ status: 0, errors: null });
      const { rows, meta } = JSON.parse(fs.readFileSync(path.join(consumer, 'quick-cc.json'), 'utf8')) as { rows: BenchRow[]; meta: { seconds: number } };
      const chain = { n: 1000, active: 100, writes: 1000 };
      for (const c of ['c-epoll', 'python-epoll', 'iomux-epoll-sync']) expect(row(rows, 'chain', c, chain).median).toBeGreaterThan(0);
      for (const w of ['echo', 'http']) {
        for (const c of ['c-epoll', 'python-epoll', 'iomux-epoll-sync', w === 'echo' ? 'node-net' : 'node-http']) {
          expect({ w, c, median: row(rows, w, c, { conns: 50 }).median }).toEqual({ w, c, median: expect.any(Number) });
        }
      }
      const built = fs.readdirSync(path.join(cache, 'iomux', 'bench')).sort();
      expect(built).toEqual([
        expect.stringMatching(/^c-[0-9a-f]{12}$/), expect.stringMatching(/^c-uring-[0-9a-f]{12}$/), expect.stringMatching(/^echo-client-/), expect.stringMatching(/^http-client-/),
      ]);
      const installed = path.join(consumer, 'node_modules', 'iomux');
      expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
      process.stdout.write(`npx iomux bench --quick (cc, python3): ${meta.seconds.toFixed(1)} s\n`);
    }, 180_000);

  when(process.platform === 'linux' && !!ccDir, 'needs Linux and cc')
    .test('npx iomux bench --server measures a server of the user that listens on PORT, beside the anchors', () => {
      fs.writeFileSync(path.join(consumer, 'server.js'), userServer);
      const full = { ...env, PATH: [path.join(tmp, 'bin'), ccDir, '/usr/bin', '/bin'].join(path.delimiter), XDG_CACHE_HOME: path.join(tmp, 'cache-cc') };
      const r = npx(['bench', '--server', 'node server.js', '--runs', '1', '--seconds', '0.3', '--json', 'server.json'], { env: full });
      expect({ status: r.status, errors: r.stderr.match(/ERROR.*/g) }).toEqual({ status: 0, errors: null });
      expect(r.stdout).toMatch(/^server1: node server\.js$/m);
      const { rows } = JSON.parse(fs.readFileSync(path.join(consumer, 'server.json'), 'utf8')) as { rows: BenchRow[] };
      expect(rows.map((x) => x.contender)).toEqual(['server1', 'c-epoll', 'node-http']);
      expect(row(rows, 'http', 'server1', { conns: 50 }).median).toBeGreaterThan(0);
    }, 180_000);
});
