// Lets plain node run the TypeScript sources without a build (examples, child processes in tests):
//   node -r ./scripts/register-ts.js examples/selectors-echo.ts
// Each .ts file is transpiled to CommonJS on load, without type checking (tsc and jest do that).
// Transpiled output is cached by the hash of its source in node_modules/.cache/iomux-ts/, so a
// child process whose files are all cached never loads the TypeScript compiler (about a second
// of CPU each, which a test starting many children at once on a loaded machine cannot afford).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

// Written as tsconfig spells them (transpileModule accepts that), so the cache key needs no TypeScript.
const OPTIONS = { module: 'CommonJS', target: 'ES2022', esModuleInterop: true };
const cacheDir = path.join(__dirname, '..', 'node_modules', '.cache', 'iomux-ts');
let ts; // loaded on the first cache miss only

function transpile(source, filename) {
  ts ??= require('typescript');
  return ts.transpileModule(source, { compilerOptions: OPTIONS, fileName: filename }).outputText;
}

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update(JSON.stringify(OPTIONS)).update(filename).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, 'utf8');
  } catch {
    output = transpile(source, filename);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`; // written whole, then renamed: readers never see half
      fs.writeFileSync(tmp, output);
      fs.renameSync(tmp, cached);
    } catch {
      // a read-only tree: run uncached
    }
  }
  module._compile(output, filename);
};
