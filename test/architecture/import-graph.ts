/**
 * @module The project's import graph, read from source with the TypeScript parser (no type checking, so
 * the whole tree parses in about a second), and the two checks `import-rules.test.ts` runs on it: layer
 * rules and runtime import cycles.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';

/**
 * How an import reaches the module at run time. `type`: erased (`import type`, `export type`); `lazy`: an
 * `import()` call, loaded when first used, so it cannot make an import cycle at load; `static`: everything
 * else. Under `verbatimModuleSyntax` an `import { type A } from './a'` is emitted as `import {} from './a'`
 * and still loads `./a`, so it counts as static.
 */
export type ImportKind = 'static' | 'type' | 'lazy';

/** One import: `from` is a repo-relative file; `to` is a repo-relative file, or a package or `node:` name. */
export interface ImportEdge {
  from: string;
  to: string;
  kind: ImportKind;
}

const SOURCE_DIRS = ['server', 'shared', 'widget', 'console', 'bench', 'examples', 'test'];
const SKIP = new Set(['node_modules', 'dist']);
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.d.ts', '/index.ts', '/index.tsx'];

function sourceFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (SKIP.has(name) || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name)) found.push(relative(root, path).split('\\').join('/'));
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return found.sort();
}

/** The package a bare specifier names: `hono/cookie` -> `hono`, `@hono/node-server` -> itself. */
export function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function specifiers(file: string, text: string): { specifier: string; kind: ImportKind }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  const out: { specifier: string; kind: ImportKind }[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      out.push({ specifier: statement.moduleSpecifier.text, kind: statement.importClause?.isTypeOnly ? 'type' : 'static' });
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      out.push({ specifier: statement.moduleSpecifier.text, kind: statement.isTypeOnly ? 'type' : 'static' });
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) out.push({ specifier: arg.text, kind: 'lazy' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ specifier: node.argument.literal.text, kind: 'type' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Every import of every source file under `root`; a relative import that names no file is an error. */
export function readImportGraph(root: string): ImportEdge[] {
  const files = sourceFiles(root);
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    for (const { specifier, kind } of specifiers(from, readFileSync(join(root, from), 'utf8'))) {
      if (!specifier.startsWith('.')) {
        edges.push({ from, to: packageName(specifier), kind });
        continue;
      }
      const base = posix.normalize(posix.join(dirname(from), specifier));
      const to = RESOLVE_SUFFIXES.map((suffix) => base + suffix).find((candidate) => known.has(candidate));
      // `.css`, `.json` and other assets are not modules of the graph.
      if (!to && /\.[a-z]+$/.test(specifier) && !/\.tsx?$/.test(specifier)) continue;
      if (!to) throw new Error(`${from}: cannot resolve ${specifier}`);
      edges.push({ from, to, kind });
    }
  }
  return edges;
}

/** A layer rule: files matching `files` may not import anything `forbid` matches. */
export interface ImportRule {
  name: string;
  files: (file: string) => boolean;
  forbid: (target: string, edge: ImportEdge) => boolean;
}

export function ruleViolations(edges: readonly ImportEdge[], rules: readonly ImportRule[]): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    for (const edge of edges) {
      if (rule.files(edge.from) && rule.forbid(edge.to, edge)) out.push(`${rule.name}: ${edge.from} imports ${edge.to}`);
    }
  }
  return out;
}

/**
 * The import cycles among modules loaded at run time (static edges only), as strongly connected
 * components of more than one file or a file importing itself, each listed from its smallest name.
 * Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
 */
export function runtimeCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to, kind } of edges) {
    if (kind !== 'static') continue;
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const start of [...next.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; child: number }[] = [{ node: start, child: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const children = next.get(frame.node) ?? [];
      if (frame.child < children.length) {
        const child = children[frame.child++]!;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, child: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      const selfLoop = component.length === 1 && children.includes(frame.node);
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}
