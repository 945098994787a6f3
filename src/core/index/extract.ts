import type { Node, Parser, Query, QueryMatch, Tree } from "web-tree-sitter";
import {
  SYMBOL_KINDS,
  type FileFacts,
  type ImportFact,
  type LanguageId,
  type ParseProblem,
  type SymbolDef,
  type SymbolKind,
} from "./types";

/** A grammar loaded into a parser, with its compiled tags query. */
export interface LoadedGrammar {
  id: LanguageId;
  parser: Parser;
  query: Query;
}

const symbolKinds = new Set<SymbolKind>(SYMBOL_KINDS);
const containerKinds = new Set<SymbolKind>(["class", "interface", "enum", "module"]);
/** Nodes that wrap a definition and belong to it (decorators, `export`). */
const wrapperTypes = new Set(["decorated_definition", "export_statement"]);

interface RawDef {
  node: Node;
  name: string;
  /** Go methods name their type in a receiver instead of nesting in it. */
  receiver?: string;
  kind: SymbolKind;
  startIndex: number;
  endIndex: number;
}

/**
 * Extracts definitions, references and imports from one file with the
 * grammar's tags query. Broken input is not an error: definitions outside
 * syntax-error nodes are still returned, and the errors are listed.
 */
export function extractFacts(grammar: LoadedGrammar, text: string): FileFacts {
  const tree = parseTree(grammar, text);
  try {
    return factsFromTree(grammar, tree, text);
  } finally {
    tree.delete();
  }
}

/** Parses, reusing `oldTree` (already edited to match `text`) when given. */
export function parseTree(grammar: LoadedGrammar, text: string, oldTree?: Tree): Tree {
  const tree = grammar.parser.parse(text, oldTree);
  if (!tree) throw new Error("tree-sitter returned no tree");
  return tree;
}

export function factsFromTree(grammar: LoadedGrammar, tree: Tree, text: string): FileFacts {
  const root = tree.rootNode;
  const errors = root.hasError ? collectErrors(root) : [];
  const errorRanges = errors.length > 0 ? root.descendantsOfType("ERROR").map(spanOf) : [];
  const raw: RawDef[] = [];
  const refs: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  const imports: ImportFact[] = [];
  for (const match of grammar.query.matches(root)) {
    collectMatch(match, raw, refs, imports);
  }
  const defs = raw.filter((d) => !errorRanges.some((e) => inside(d, e)));
  return {
    lang: grammar.id,
    lines: countLines(text),
    symbols: buildSymbols(defs, grammar.id),
    refs: dedupeLines(refs),
    imports,
    errors,
  };
}

function collectMatch(match: QueryMatch, defs: RawDef[], refs: Record<string, number[]>, imports: ImportFact[]): void {
  let defNode: Node | undefined;
  let nameNode: Node | undefined;
  let kind: SymbolKind | undefined;
  let receiver: string | undefined;
  for (const { name, node } of match.captures) {
    if (name.startsWith("definition.")) {
      defNode = node;
      const k = name.slice("definition.".length) as SymbolKind;
      if (symbolKinds.has(k)) kind = k;
    } else if (name.startsWith("name.definition.")) {
      nameNode = node;
    } else if (name.startsWith("name.reference")) {
      const id = node.text;
      if (id !== "__proto__") (refs[id] ??= []).push(node.startPosition.row + 1);
    } else if (name === "receiver") {
      receiver = node.text;
    } else if (name === "import.source") {
      imports.push({ source: unquote(node.text), line: node.startPosition.row + 1 });
    }
  }
  if (defNode && nameNode && kind) {
    defs.push({
      node: defNode,
      name: nameNode.text,
      receiver,
      kind,
      startIndex: defNode.startIndex,
      endIndex: defNode.endIndex,
    });
  }
}

/** Nests definitions by containment to get parents and qualified names. */
function buildSymbols(raw: RawDef[], lang: LanguageId): SymbolDef[] {
  raw.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  const out: SymbolDef[] = [];
  const stack: { def: RawDef; index: number }[] = [];
  let previous: RawDef | undefined;
  for (const def of raw) {
    if (previous && previous.startIndex === def.startIndex && previous.name === def.name) continue;
    previous = def;
    while (stack.length > 0 && stack[stack.length - 1]!.def.endIndex <= def.startIndex) stack.pop();
    const parent = stack[stack.length - 1];
    const parentSymbol = parent ? out[parent.index] : undefined;
    const kind: SymbolKind =
      def.kind === "function" && parentSymbol && containerKinds.has(parentSymbol.kind) ? "method" : def.kind;
    const outer = wrapperTypes.has(def.node.parent?.type ?? "") ? def.node.parent! : def.node;
    const start = outer.startPosition.row + 1;
    const symbol: SymbolDef = {
      name: def.name,
      qualifiedName: parentSymbol
        ? `${parentSymbol.qualifiedName}.${def.name}`
        : def.receiver
          ? `${def.receiver}.${def.name}`
          : def.name,
      kind,
      start,
      end: endLine(def.node),
      signatureEnd: signatureEnd(def.node, start),
    };
    const doc = lang === "python" ? pythonDocstring(def.node) : undefined;
    const leading = leadingComment(outer);
    if (doc ?? leading) symbol.doc = doc ?? leading;
    if (parent) symbol.parent = parent.index;
    stack.push({ def, index: out.length });
    out.push(symbol);
  }
  return out;
}

/** A node ending at column 0 ends on the previous line in editor terms. */
function endLine(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row : end.row + 1;
}

/** The signature ends where the last node before the body ends (`:`, `)`, a return type). */
function signatureEnd(node: Node, start: number): number {
  const body = node.childForFieldName("body");
  const before = body?.previousSibling;
  if (!body || !before) return Math.max(start, Math.min(endLine(node), node.startPosition.row + 1));
  return Math.max(start, before.endPosition.row + 1);
}

function pythonDocstring(node: Node) {
  const first = node.childForFieldName("body")?.firstNamedChild;
  if (first?.type !== "expression_statement" || first.firstNamedChild?.type !== "string") return undefined;
  return { start: first.startPosition.row + 1, end: endLine(first) };
}

function leadingComment(node: Node) {
  let prev = node.previousNamedSibling;
  let expected = node.startPosition.row;
  let start: number | undefined;
  let end: number | undefined;
  while (prev && prev.type.includes("comment") && prev.endPosition.row >= expected - 1) {
    start = prev.startPosition.row + 1;
    end ??= endLine(prev);
    expected = prev.startPosition.row;
    prev = prev.previousNamedSibling;
  }
  return start !== undefined && end !== undefined ? { start, end } : undefined;
}

function collectErrors(root: Node): ParseProblem[] {
  const problems: ParseProblem[] = root
    .descendantsOfType("ERROR")
    .map((n) => ({ line: n.startPosition.row + 1, message: "syntax error" }));
  if (problems.length > 0) return problems;
  // No ERROR node: the parser recovered by inserting a MISSING token.
  const cursor = root.walk();
  try {
    for (;;) {
      if (cursor.currentNode.isMissing) {
        problems.push({ line: cursor.startPosition.row + 1, message: `missing ${cursor.nodeType}` });
      }
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return problems;
    }
  } finally {
    cursor.delete();
  }
}

const spanOf = (n: Node) => ({ startIndex: n.startIndex, endIndex: n.endIndex });
const inside = (d: RawDef, e: { startIndex: number; endIndex: number }) =>
  d.startIndex >= e.startIndex && d.endIndex <= e.endIndex;

/** Sorted unique lines, in a plain object (the null-prototype one only guards collection). */
function dedupeLines(refs: Record<string, number[]>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const name in refs) out[name] = [...new Set(refs[name])].sort((a, b) => a - b);
  return out;
}

export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return text.endsWith("\n") ? n - 1 : n;
}

function unquote(s: string): string {
  return s.replace(/^["'<`]|["'>`]$/g, "");
}
