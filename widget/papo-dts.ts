/**
 * @module Build step (vite.config.ts, mode `widget-npm`): the widget's public types, shipped as
 * `dist/widget/index.d.ts` (the npm entry's) and served as `/widget/papo.d.ts`, generated from the sources
 * so they are written once (`contract.ts`) instead of by hand beside them.
 *
 * Why not tsc's declaration emit alone: for `index.ts` it gives `export type { ... } from './contract'`,
 * and `contract.d.ts` carries the loader-app internals and imports `shared/protocol`, none of which is in
 * dist. Bundling declarations would take api-extractor or rollup-plugin-dts, a new dependency for one
 * hop. So the compiler API (TypeScript is a dev dependency already) does it: `index.ts`'s own declarations
 * come from its declaration emit (`export declare const Papo: PapoClient;`), and the types it re-exports
 * from `contract.ts` are copied from there with their doc comments; they are interfaces and type aliases,
 * whose declaration is their source text, so this is what the emit would say. Plus the `window.Papo`
 * global. `papo-dts.test.ts` checks that the result type-checks alone, imports nothing and exports what
 * `index.ts` exports.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const HEADER = `/**
 * Papo widget: the public JavaScript API's types, for the script tag (\`window.Papo\`) and the npm entry
 * (\`import { Papo } from 'papo/widget'\`). Served beside papo.js at \`/widget/papo.d.ts\` and shipped as
 * \`dist/widget/index.d.ts\`. Generated from the widget's sources (widget/papo-dts.ts): do not edit.
 */`;

const parse = (fileName: string, text: string) => ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
const fromContract = (s: ts.Statement): s is ts.ImportDeclaration | ts.ExportDeclaration =>
  (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && !!s.moduleSpecifier && (s.moduleSpecifier as ts.StringLiteral).text === './contract';
const isGlobal = (s: ts.Statement): s is ts.ModuleDeclaration => ts.isModuleDeclaration(s) && (s.flags & ts.NodeFlags.GlobalAugmentation) !== 0;

/** The text of `/widget/papo.d.ts`, read from the sources in `dir` (the widget folder). */
export function papoDts(dir: URL): string {
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
  const entry = ts.transpileDeclaration(read('index.ts'), { fileName: 'index.ts', reportDiagnostics: false }).outputText;
  const entryFile = parse('index.d.ts', entry);
  const contract = parse('contract.ts', read('contract.ts'));

  // The names index.ts re-exports from contract.ts: those declarations are the public ones.
  const names = new Set<string>();
  for (const s of entryFile.statements) {
    if (ts.isExportDeclaration(s) && fromContract(s) && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) names.add((e.propertyName ?? e.name).text);
    }
  }
  const picked = contract.statements.filter((s) => isGlobal(s) || ((ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && names.has(s.name.text)));
  const found = new Set(picked.flatMap((s) => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) ? [s.name.text] : [])));
  const missing = [...names].filter((n) => !found.has(n));
  // A re-exported value, class or re-export would need real declaration emit (or its own import): say so.
  if (missing.length) throw new Error(`papo-dts: index.ts re-exports ${missing.join(', ')}, which contract.ts does not declare as an interface or type`);

  // Each declaration with its doc comment.
  const text = (s: ts.Statement, file: ts.SourceFile) => file.text.slice(s.getStart(file, true), s.end);
  const own = entryFile.statements.filter((s) => !fromContract(s)).map((s) => text(s, entryFile));
  return [HEADER, ...picked.map((s) => text(s, contract)), ...own].join('\n\n') + '\n';
}
