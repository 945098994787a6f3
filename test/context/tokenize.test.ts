import assert from "node:assert/strict";
import { test } from "node:test";
import { asksForChange, parseQuestion } from "../../src/core/context/question";
import { splitIdentifier, tokenize } from "../../src/core/context/tokenize";

test("identifiers split on case and underscores, acronyms stay whole", () => {
  assert.deepEqual(splitIdentifier("parseHTTPResponse2"), ["parse", "http", "response2"]);
  assert.deepEqual(splitIdentifier("parse_http_response"), ["parse", "http", "response"]);
  assert.deepEqual(splitIdentifier("XMLHttpRequest"), ["xml", "http", "request"]);
  assert.deepEqual(splitIdentifier("__init__"), ["init"]);
});

test("tokens keep the whole identifier and the dotted path beside the words", () => {
  assert.deepEqual(tokenize("Request.register_hook(event)"), [
    "request",
    "register",
    "hook",
    "register_hook",
    "request.register_hook",
    "event",
  ]);
  assert.deepEqual(tokenize("the parseHTTPResponse of this"), ["parse", "http", "response", "parsehttpresponse"]);
});

test("stemmed, the words of prose and of identifiers meet; whole identifiers and words with digits stay exact", () => {
  assert.deepEqual(tokenize("How are the hooks dispatched?", true), ["hook", "dispatch"]);
  assert.deepEqual(tokenize("_dispatch_hooks(utf8)", true), ["dispatch", "hook", "_dispatch_hooks", "utf8"]);
  assert.deepEqual(tokenize("_dispatch_hooks(utf8)"), ["dispatch", "hooks", "_dispatch_hooks", "utf8"]);
});

test("stopwords and bare numbers are dropped; repeats are kept for term frequency", () => {
  assert.deepEqual(tokenize("return the value and the value 42"), ["value", "value"]);
});

test("questions yield identifiers, paths, file:line mentions and traceback frames", () => {
  const q = parseQuestion(
    "Calling `Matrix.col_insert()` in sympy/matrices/common.py breaks; see common.py:312.\n" +
      'Traceback:\n  File "/usr/lib/python3/site-packages/sympy/core/basic.py", line 120, in subs\n' +
      "The XMLParser and parseExpr functions look fine. Hello there, my Session breaks.",
  );
  assert.deepEqual(q.identifiers, ["Matrix.col_insert", "XMLParser", "parseExpr", "Session"]);
  assert.deepEqual(q.paths, [
    "sympy/matrices/common.py",
    "common.py",
    "/usr/lib/python3/site-packages/sympy/core/basic.py".slice(1),
  ]);
  assert.deepEqual(q.lines, [
    { path: "/usr/lib/python3/site-packages/sympy/core/basic.py", line: 120, func: "subs" },
    { path: "common.py", line: 312 },
  ]);
});

test("a plain word in inline code or called in prose is a name; short variables, pasted code and prose words are not", () => {
  const q = parseQuestion(
    "uniq modifies list argument\nIt would be good to do the same from within `uniq`, or in `sift(seq, key)`.\n" +
      "Here `x` and `f` are symbols, `a list` is prose, and partitions() reuses its value(s):\n" +
      "```python\n>>> for i in multiset(f):\n...   print(i)\n```\n>>> sorted(i)",
  );
  assert.deepEqual(q.identifiers, ["uniq", "sift", "partitions"]);
});

test("error messages and quoted strings become literal phrases, cut at their variable parts", () => {
  const q = parseQuestion(
    "Reshaping fails:\n```\nTraceback (most recent call last):\n" +
      "ValueError: cannot reshape array of size 12 into shape (5, 3)\n```\n" +
      "The docs say \"returns the cached session object\" but I'm not sure it isn't rebuilt. Also `short one`.",
  );
  assert.deepEqual(q.phrases, ["returns the cached session object", "cannot reshape array of size"]);
  assert.deepEqual(parseQuestion("I'm sure this isn't right, it's a bug").phrases, []);
});

test("capitalised names called like functions are instantiations; calls of functions and methods are not", () => {
  const q = parseQuestion(
    ">>> Intersection({1}, {1}, {x})\nEmptySet()\n>>> s = sympy.Interval(0, 1).union(x)\n>>> print(s)",
  );
  assert.deepEqual(q.instantiated, ["Intersection", "EmptySet", "Interval"]);
});

test("a report or a change request reads as asking for an edit; a question about how code works does not", () => {
  assert.equal(asksForChange("How are request hooks dispatched? Include before_request and teardown."), false);
  assert.equal(asksForChange("Why does the parser raise an exception instead of returning None?"), false);
  assert.equal(asksForChange("Fix the teardown hook order"), true);
  // An issue pasted in: its title, then its text.
  assert.equal(asksForChange("Raise error when a name contains a dot\nEvery dot is significant now."), true);
  assert.equal(asksForChange("please add a timeout to send()"), true);
  assert.equal(asksForChange("Trailing whitespace in repr\n\nThe first line ends with a space.\nIt should not."), true);
  assert.equal(asksForChange("This fails:\n```python\nconcat([a, b])\n```"), true);
  assert.equal(asksForChange("Crash on load:\nTraceback (most recent call last):"), true);
});
