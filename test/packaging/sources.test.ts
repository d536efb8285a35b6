// binding.gyp (node-gyp, prebuildify) and CMakeLists.txt (cmake-js) build the same addon:
// CMakeLists.txt takes every native/*.cc, so binding.gyp must list exactly those, with the same
// defines, or the two builds drift apart.
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const gyp = fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8');
const cmake = fs.readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8');

test('binding.gyp lists every native/*.cc, and nothing else', () => {
  const listed = [...gyp.matchAll(/"native\/([\w.-]+\.cc)"/g)].map((m) => m[1]).sort();
  const present = fs.readdirSync(path.join(root, 'native')).filter((f) => f.endsWith('.cc')).sort();
  expect(listed).toEqual(present);
  expect(cmake).toContain('native/*.cc');
});

test.each(['NAPI_VERSION=8', 'NAPI_DISABLE_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED', 'IOMUX_HAVE_KQUEUE=1'])(
  'both builds define %s',
  (define) => {
    expect(gyp).toContain(`"${define}"`);
    expect(cmake).toMatch(new RegExp(`\\b${define}\\b`));
  },
);

test('both builds compile C++17 without exceptions', () => {
  expect(gyp).toContain('-std=c++17');
  expect(gyp).toContain('-fno-exceptions');
  expect(cmake).toContain('CMAKE_CXX_STANDARD 17');
  expect(cmake).toContain('-fno-exceptions');
});
