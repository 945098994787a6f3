import assert from "node:assert/strict";
import { test } from "node:test";
import {
  FIELD,
  LogParser,
  MESSAGE_END,
  RECORD,
  definitionName,
  type MinedCommit,
} from "../../src/core/history/log-parser";
import { historyQuery } from "../../src/core/history/history-index";

const LOG = [
  `${RECORD}aaaa${FIELD}1600000000`,
  "Fix latex printing of Mul",
  "",
  "Negative exponents were printed as fractions.",
  MESSAGE_END,
  "",
  "diff --git a/sympy/printing/latex.py b/sympy/printing/latex.py",
  "--- a/sympy/printing/latex.py",
  "+++ b/sympy/printing/latex.py",
  "@@ -10,2 +10,2 @@ class LatexPrinter(Printer):",
  "-    neg_exp = False",
  "+    neg_exp = True",
  "@@ -40 +40 @@     def _print_Mul(self, expr):",
  "-        return tex",
  "+        return tex + negative_exponent",
  "diff --git a/old.py b/old.py",
  "--- a/old.py",
  "+++ /dev/null",
  "@@ -1,2 +0,0 @@",
  "-def gone(x):",
  "---- a line starting with dashes",
  `${RECORD}bbbb${FIELD}1600000100`,
  "Second commit with no code",
  MESSAGE_END,
];

test("the log parser reads messages, files, touched definitions and changed words", () => {
  const commits: MinedCommit[] = [];
  const parser = new LogParser((c) => commits.push(c));
  for (const line of LOG) parser.line(line);
  parser.end();
  assert.equal(commits.length, 2);
  const [a, b] = commits as [MinedCommit, MinedCommit];
  assert.equal(a.id, "aaaa");
  assert.equal(a.time, 1600000000);
  assert.equal(a.message, "Fix latex printing of Mul\n\nNegative exponents were printed as fractions.");
  assert.deepEqual(a.files, ["sympy/printing/latex.py", "old.py"]);
  assert.deepEqual(a.symbols, [
    [0, "LatexPrinter"],
    [0, "_print_Mul"],
    [1, "gone"],
  ]);
  // Counted words of changed lines, most frequent first; a removed line that starts with "---" is content.
  assert.match(a.words, /\bneg_exp\*2\b/);
  assert.match(a.words, /\bnegative_exponent\b/);
  assert.match(a.words, /\bdashes\b/);
  assert.equal(b.message, "Second commit with no code");
  assert.deepEqual(b.files, []);
});

test("definition names come from hunk headers in several languages", () => {
  assert.equal(definitionName("    def _print_Mul(self, expr):"), "_print_Mul");
  assert.equal(definitionName("class Flask(Scaffold):"), "Flask");
  assert.equal(definitionName("export async function handleRefund(id: string) {"), "handleRefund");
  assert.equal(definitionName("func (s *Server) ServeHTTP(w http.ResponseWriter) {"), "ServeHTTP");
  assert.equal(definitionName("  parseHeader(line: string): Header {"), "parseHeader");
  assert.equal(definitionName("    if (x) {"), undefined);
});

test("the history query drops issue-template boilerplate but keeps the description", () => {
  const q = historyQuery(
    [
      "Latex printing of Mul is wrong",
      "#### Expected behavior",
      "python: 3.7.1",
      "numpy: 1.18.0",
      "<details>",
      "INSTALLED VERSIONS",
      "xarray: 0.15",
      "</details>",
      "It prints negative exponents as fractions.",
    ].join("\n"),
  );
  assert.equal(q, "Latex printing of Mul is wrong\nIt prints negative exponents as fractions.");
});
