// The published package, as a user gets it. `npm pack` (whose prepack builds the prebuild and
// dist/ afresh) runs in a clean checkout of the sources and in a copy of the work tree as it is,
// build outputs and all: both give the same files. The clean tarball is then installed into an
// empty project with --ignore-scripts and no compiler on PATH, so the addon can only come from
// prebuilds/ through node-gyp-build, and used there from require and from import.
// Everything is written into a temporary folder: the work tree is left as it was.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { cleanCopy, findNpm, ROOT as root, run } from './run';

const prebuildDir = path.join('prebuilds', `${process.platform}-${process.arch}`);

/** `npm pack` in dir into out (its own folder): the tarball's path and its file list. */
function pack(dir: string, out: string): Promise<{ tarball: string; files: string[] }> {
  fs.mkdirSync(out);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [findNpm(), 'pack', '--json', '--pack-destination', out, '--loglevel=error'],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) return reject(new Error(`npm pack in ${dir} exited ${status}\n${stderr}`));
      // Lifecycle scripts print to stdout too: the JSON report is the last thing written.
      const [report] = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1)) as
        { filename: string; files: { path: string }[] }[];
      resolve({ tarball: path.join(out, report.filename), files: report.files.map((f) => f.path).sort() });
    });
  });
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
const describeOrSkip = variant ? describe.skip : describe;
const reason = variant ? ` (skipped: ${variant} selects a variant of the addon, not the package)` : '';

describeOrSkip(`the packed tarball, installed without a compiler${reason}`, () => {
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
  }, 300_000);

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
    ]));
    expect(files.some((f) => f.startsWith(`${prebuildDir}/`) && f.endsWith('.node'))).toBe(true);
    expect(files.filter((f) => /^(build|build-[^/]+|test|lib|node_modules)\//.test(f))).toEqual([]);
  });

  test('the consumer has no compiler, make or python on its PATH', () => {
    for (const tool of ['cc', 'gcc', 'g++', 'c++', 'clang', 'make', 'python3', 'python']) {
      const r = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { env, encoding: 'utf8' });
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
