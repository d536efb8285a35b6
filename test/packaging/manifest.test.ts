// package.json's promises to installers: entry points with types for require and import, what is
// published, where it installs, and that installing needs nothing but the two runtime packages.
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

test.each(['.', './select', './socket', './os', './errno'])('exports %s with types, for require and import', (entry) => {
  const target = pkg.exports[entry];
  const stem = entry === '.' ? 'index' : entry.slice(2);
  // "types" first: TypeScript takes the first condition that matches.
  expect(Object.keys(target)[0]).toBe('types');
  expect(target).toEqual({ types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` });
  // The source each entry is compiled from exists.
  expect(fs.existsSync(path.join(root, 'lib', `${stem}.ts`))).toBe(true);
});

test('publishes the compiled code, the native sources, the prebuilds, and the command with its bench, and nothing else', () => {
  expect([...pkg.files].sort()).toEqual([
    'bench/clients', 'bench/contenders', 'bench/lib', 'bench/run.js', 'bench/trials.js', 'bin', 'binding.gyp', 'dist', 'native', 'prebuilds',
  ]);
  expect(pkg.scripts.prepare).toMatch(/\btsc\b/);
  // The examples ship compiled, into dist/examples.
  expect(pkg.scripts.prepare).toMatch(/\bscripts\/build-examples\.js\b/);
});

test('installs one command, iomux (npx iomux bench, npx iomux example), a node script', () => {
  expect(pkg.bin).toEqual({ iomux: 'bin/iomux.js' });
  expect(fs.readFileSync(path.join(root, 'bin', 'iomux.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  // Nothing the command runs needs a devDependency: its requires are node's, or files it ships
  // (build.js resolves typescript only in the repository, where lib/ exists).
  for (const dir of ['bin', 'bench/lib', 'bench/contenders']) {
    for (const f of fs.readdirSync(path.join(root, dir)).filter((n) => n.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(root, dir, f), 'utf8');
      const specs = [...text.matchAll(/require\('([^']+)'\)|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
      expect({ file: `${dir}/${f}`, foreign: specs.filter((s) => !s.startsWith('node:') && !s.startsWith('.') && !s.startsWith('/')) })
        .toEqual({ file: `${dir}/${f}`, foreign: [] });
    }
  }
});

test('installs with node-gyp-build: a prebuild when one fits, else a source build', () => {
  expect(pkg.gypfile).toBe(true);
  expect(pkg.scripts.install).toBe('node-gyp-build');
  expect(Object.keys(pkg.dependencies).sort()).toEqual(['node-addon-api', 'node-gyp-build']);
  expect(pkg.binary.napi_versions).toEqual([8]);
});

test('declares Node >= 20 and the systems whose readiness APIs it wraps', () => {
  expect(pkg.engines.node).toBe('>=20');
  expect(pkg.os).toEqual(expect.arrayContaining(['linux', 'darwin']));
  expect(pkg.os).not.toContain('win32');
});
