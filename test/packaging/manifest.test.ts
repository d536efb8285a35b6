// package.json's promises to installers: entry points with types for require and import, what is
// published, where it installs, and that installing needs nothing but the two runtime packages.
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

test.each(['.', './select', './socket', './os'])('exports %s with types, for require and import', (entry) => {
  const target = pkg.exports[entry];
  const stem = entry === '.' ? 'index' : entry.slice(2);
  // "types" first: TypeScript takes the first condition that matches.
  expect(Object.keys(target)[0]).toBe('types');
  expect(target).toEqual({ types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` });
  // The source each entry is compiled from exists.
  expect(fs.existsSync(path.join(root, 'lib', `${stem}.ts`))).toBe(true);
});

test('publishes the compiled code, the native sources and the prebuilds, and nothing else', () => {
  expect([...pkg.files].sort()).toEqual(['binding.gyp', 'dist', 'native', 'prebuilds']);
  expect(pkg.scripts.prepare).toMatch(/\btsc\b/);
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
