// The published package, as a user gets it: `npm run prebuild`, `npm pack`, then an install of the
// tarball into an empty project with --ignore-scripts and no compiler on PATH, so the addon can
// only come from prebuilds/ through node-gyp-build. Used there from require and from import.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSync, succeeded, type RunOptions } from '../helpers/child';
import { when } from '../helpers/platform';

const root = path.join(__dirname, '..', '..');
const prebuildDir = path.join('prebuilds', `${process.platform}-${process.arch}`);

/** Runs a command that must succeed; its stdout. */
function run(cmd: string, args: string[], opts: RunOptions = {}): string {
  return succeeded(runSync(cmd, args, opts), `${cmd} ${args.join(' ')}`);
}

/** The npm running this test (npm test, npx), else the first on PATH. */
function findNpm(): string {
  const execpath = process.env.npm_execpath;
  if (execpath && /npm-cli\.js$/.test(execpath)) return execpath;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'npm');
    if (dir && fs.existsSync(candidate)) return fs.realpathSync(candidate);
  }
  throw new Error('npm not found');
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
    select: typeof require('iomux/select').select, socketpair: typeof require('iomux/socket').socketpair }));
} finally { ios.close(r); ios.close(w); }`;

const subpathsEsm = `
import { pipe, read, write, close } from 'iomux/os';
import { select } from 'iomux/select';
import { socketpair } from 'iomux/socket';
const [r, w] = pipe();
try {
  write(w, Buffer.from('pong'));
  console.log(JSON.stringify({ got: read(r, 16).toString(), select: typeof select, socketpair: typeof socketpair }));
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

// Variants of the suite (a forced backend, another build of the addon) do not change the package;
// it is tested in the plain run, once under each Node version.
const variant = process.env.IOMUX_ADDON ? 'IOMUX_ADDON' : process.env.IOMUX_SELECTOR ? 'IOMUX_SELECTOR' : '';
when(!variant, `${variant} selects a variant of the addon, not the package`).describe('the packed tarball, installed without a compiler', () => {
  let tmp = '';
  let consumer = '';
  let env: NodeJS.ProcessEnv = {};
  let files: string[] = [];

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iomux-pack-'));
    run('bash', [path.join(root, 'scripts', 'prebuild.sh')], { cwd: root });
    run(process.execPath, [findNpm(), 'pack', '--pack-destination', tmp, '--loglevel=error'], { cwd: root });
    const [tarball] = fs.readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
    files = run('tar', ['tzf', path.join(tmp, tarball)]).split('\n').filter(Boolean);

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
      '--prefer-offline', '--loglevel=error', path.join(tmp, tarball)], { cwd: consumer, env });
  }, 300_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the tarball holds the prebuild, the compiled code with its types, and the native sources', () => {
    expect(files).toEqual(expect.arrayContaining([
      'package/package.json', 'package/binding.gyp', 'package/native/addon.cc',
      'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/os.js', 'package/dist/os.d.ts',
    ]));
    expect(files.some((f) => f.startsWith(`package/${prebuildDir}/`) && f.endsWith('.node'))).toBe(true);
    expect(files.filter((f) => /^package\/(build|build-[^/]+|test|lib|node_modules)\//.test(f))).toEqual([]);
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
    '%s of iomux/os, iomux/select and iomux/socket',
    (_how, args) => {
      const out = JSON.parse(run('node', args as string[], { cwd: consumer, env }));
      expect(out).toEqual({ got: 'pong', select: 'function', socketpair: 'function' });
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
});
