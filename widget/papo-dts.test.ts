/**
 * The generated public types (papo-dts.ts): what site owners get as `/widget/papo.d.ts` and the npm entry's
 * `index.d.ts` must stand alone (nothing else of Papo is in dist) and declare what the entry exports.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as entry from './index';
import { papoDts } from './papo-dts';

const DIR = new URL('./', import.meta.url);
const text = papoDts(DIR);

/** Type-checks `source` as the only file of a program (with the DOM's lib, as a site's build has). */
function diagnosticsAlone(source: string): string[] {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) => (name === '/papo.d.ts' ? ts.createSourceFile(name, source, language) : read(name, language));
  const program = ts.createProgram(['/papo.d.ts'], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('papo.d.ts, generated from contract.ts and index.ts', () => {
  it('imports nothing and type-checks alone', () => {
    expect(text).not.toMatch(/^\s*import\s|^export [^\n]* from '|\bimport\(/m);
    expect(diagnosticsAlone(text)).toEqual([]);
  }, 30_000);

  it('declares what the npm entry exports, and the window.Papo global', () => {
    const file = ts.createSourceFile('papo.d.ts', text, ts.ScriptTarget.ES2022, true);
    const declared = file.statements.flatMap((s) =>
      ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) ? [s.name.text] : ts.isVariableStatement(s) ? s.declarationList.declarations.map((d) => d.name.getText(file)) : [],
    );
    expect(declared).toEqual(
      expect.arrayContaining(['Papo', 'IdentityInput', 'Locale', 'PapoApi', 'PapoCall', 'PapoClient', 'PapoEvents', 'PapoLoadOptions', 'ProactiveMessageOptions', 'PublicMessage']),
    );
    expect(declared).toHaveLength(10);
    expect(Object.keys(entry)).toEqual(['Papo']);
    expect(text).toContain('export declare const Papo: PapoClient;');
    expect(text).toMatch(/declare global \{\n {2}interface Window \{[^}]*Papo\?: PapoApi \| PapoCall\[\];/);
  });

  it('keeps the doc comments site owners read, and none of our internal references (SPEC rules, issues)', () => {
    expect(text).toContain("/** Opens the chat window (loads the chat app the first time). */\n  open(): void;");
    expect(text.startsWith('/**\n * Papo widget: the public JavaScript API')).toBe(true);
    expect(text).not.toMatch(/\bSPEC\b|\bissue \d/i);
  });

  // The shipped file is generated, not committed as source: this copy makes every change to the public API
  // or its comments show in review. After an intended change: `npx vitest run widget/papo-dts -u`.
  it('is the reviewed public API (papo.d.ts.snap)', async () => {
    await expect(text).toMatchFileSnapshot('./__snapshots__/papo.d.ts.snap');
  });
});
