// Compiles examples/*.ts into dist/examples/*.js for the published package, where
// `npx iomux example NAME` runs them with plain node (no TypeScript at run time). The examples
// import the sources (`../lib/index`); compiled, they sit beside dist/index.js, so that import
// becomes `../index`. Type checking is `npm run typecheck`'s job; this only transpiles.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const src = path.join(root, 'examples');
const out = path.join(root, 'dist', 'examples');

/** `../lib/X` → `../X`: the module specifiers of the sources, as seen from dist/examples/. */
function rewriteLibImports() {
  return (ctx) => (file) => {
    const visit = (node) => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const spec = node.moduleSpecifier.text;
        if (spec.startsWith('../lib/')) {
          const to = ctx.factory.createStringLiteral(`../${spec.slice('../lib/'.length)}`);
          return ts.isImportDeclaration(node)
            ? ctx.factory.updateImportDeclaration(node, node.modifiers, node.importClause, to, node.attributes)
            : ctx.factory.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, to, node.attributes);
        }
      }
      return ts.visitEachChild(node, visit, ctx);
    };
    return ts.visitNode(file, visit);
  };
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
for (const name of fs.readdirSync(src).filter((f) => f.endsWith('.ts')).sort()) {
  const { outputText, diagnostics } = ts.transpileModule(fs.readFileSync(path.join(src, name), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: name,
    reportDiagnostics: true,
    transformers: { before: [rewriteLibImports()] },
  });
  if (diagnostics?.length) throw new Error(`${name}: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, '\n')}`);
  if (/require\("\.\.\/lib\//.test(outputText)) throw new Error(`${name}: an import of ../lib/ was left as it was`);
  fs.writeFileSync(path.join(out, name.replace(/\.ts$/, '.js')), outputText);
}
