// Lets plain node run the TypeScript sources without a build (examples, child processes in tests):
//   node -r ./scripts/register-ts.js examples/selectors-echo.ts
// Each .ts file is transpiled to CommonJS on load, without type checking (tsc and jest do that).
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(outputText, filename);
};
