import assert from "node:assert/strict";
import { test } from "node:test";
import { score, type Instance, type SymbolRange } from "../../bench/swebench";

// A fix that changes an import (pre-image line 2) and a line inside `f` (lines 8-11).
const patch = [
  "--- a/a.py",
  "+++ b/a.py",
  "@@ -2,1 +2,1 @@",
  "-import os",
  "+import os, sys",
  "@@ -10,1 +10,1 @@",
  "-    return os.sep",
  "+    return sys.platform",
].join("\n");
const symbols: SymbolRange[] = [{ name: "f", kind: "function", start: 8, end: 11 }];
const issue = (names: string[]): Instance => ({
  instance_id: "x",
  repo: "o/r",
  base_commit: "c",
  problem_statement: "",
  golden_patch: patch,
  expected_spans: { "a.py": names },
});
const shown = (lines: number[]) => new Map([["a.py", new Set(lines)]]);

test("a numbered module-level name (imports:5) is module code: it counts when its changed lines are shown", () => {
  for (const name of ["imports", "imports:5", "impl:3"]) {
    const all = score(issue([name, "f"]), shown([2, 8, 10]), () => symbols);
    assert.equal(all.functionRecall, 1, name);
    assert.equal(all.unresolvedFunctions, 0, name);
    const withoutImport = score(issue([name, "f"]), shown([8, 10]), () => symbols);
    assert.equal(withoutImport.functionRecall, 0.5, name);
  }
});

test("a gold name that resolves to nothing stays a miss and is counted as unresolved", () => {
  const s = score(issue(["LatexPrinter:32", "f"]), shown([2, 8, 10]), () => symbols);
  assert.equal(s.functionRecall, 0.5);
  assert.equal(s.unresolvedFunctions, 1);
});
