import assert from "node:assert/strict";
import { test } from "node:test";
import { importStatements } from "../../src/core/context/imports";

const lines = (text: string) => text.split("\n");
const at = (...l: number[]) => l.map((line) => ({ source: "m", line }));

test("Python imports are joined across blank lines; a parenthesised list and a backslash continue the statement", () => {
  const src = lines(
    [
      '"""Docstring."""', // 1
      "import os", // 2
      "from a import (", // 3
      "    b,", // 4
      "    c)", // 5
      "", // 6
      "from d import e, \\", // 7
      "    f", // 8
      "", // 9
      "X = 1", // 10
      "def g():", // 11
      "    import json", // 12
    ].join("\n"),
  );
  const facts = { imports: at(2, 3, 7, 12) };
  assert.deepEqual(
    importStatements(facts, src, (l) => l < 11),
    [[2, 8]],
  );
});

test("a TypeScript import is found from its source line, which ends the statement", () => {
  const src = lines(
    [
      "import {", // 1
      "  a,", // 2
      "  b,", // 3
      '} from "./x";', // 4
      "", // 5
      "const y = 1;", // 6
      'import z from "./z";', // 7
    ].join("\n"),
  );
  assert.deepEqual(
    importStatements({ imports: at(4, 7) }, src, () => true),
    [
      [1, 4],
      [7, 7],
    ],
  );
});

test("an import inside a long wrapper statement is left out", () => {
  const body = Array.from({ length: 50 }, (_, i) => `  const v${i} = require("m${i}");`);
  const src = ["(function () {", ...body, "})();"];
  // The first require's line opens no bracket that stays open, so it stands alone; a statement
  // that runs on past MAX_STATEMENT_LINES (the wrapper, entered from its last line) does not.
  assert.deepEqual(
    importStatements({ imports: at(2) }, src, () => true),
    [[2, 2]],
  );
  assert.deepEqual(
    importStatements({ imports: at(52) }, src, () => true),
    [],
  );
});
