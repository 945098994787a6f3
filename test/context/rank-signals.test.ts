import assert from "node:assert/strict";
import { test } from "node:test";
import { proseOf } from "../../src/core/context/question";
import { rankUnits } from "../../src/core/context/rank";
import { engineFor } from "../helpers/context";

test("an error message from the report finds the code that raises it, verbatim", async () => {
  const ctx = await engineFor(`
//- geo/grid.py
def reshape(cells, rows, cols):
    if rows * cols != len(cells):
        raise ValueError("cannot reshape grid of %d cells into %dx%d" % (len(cells), rows, cols))
    return [cells[r * cols:(r + 1) * cols] for r in range(rows)]


def cells_in(grid):
    """How many cells a grid has, used when a grid is reshaped or resized."""
    return sum(len(row) for row in grid)
`);
  try {
    const ranked = rankUnits(
      ctx.retrieval,
      "Resizing my grid fails:\nValueError: cannot reshape grid of 12 cells into 5x3",
    );
    const top = ctx.retrieval.units[ranked[0]!.unit]!;
    assert.equal(top.name, "reshape");
    assert.ok(ranked[0]!.reasons.some((r) => r.kind === "phrase" && r.text === "cannot reshape grid of"));
  } finally {
    ctx.cleanup();
  }
});

test("a class about the question lifts its methods above the same method in another class", async () => {
  const method = `
    def compute(self, order):
        return order.total - self.fee(order)  # refund amount
`;
  const ctx = await engineFor(`
//- shop/policies.py
class Alpha:
    """Refund policy: how a refund is granted, and refund limits for returned orders."""
${method}

class Beta:
    """Shipping policy: carriers and delivery windows."""
${method}`);
  try {
    const ranked = rankUnits(ctx.retrieval, "how is a refund granted for returned orders?");
    const score = (name: string) => ranked.find((r) => ctx.retrieval.units[r.unit]!.name === name)!.score;
    assert.ok(score("Alpha.compute") > score("Beta.compute"), `${score("Alpha.compute")} vs ${score("Beta.compute")}`);
  } finally {
    ctx.cleanup();
  }
});

test("a class the question calls lifts its constructor, not other classes' constructors", async () => {
  const ctx = await engineFor(`
//- geo/shapes.py
class Interval:
    def __new__(cls, start, end):
        if end < start:
            start, end = end, start
        return object.__new__(cls)

    def width(self):
        return self.end - self.start


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
`);
  try {
    const ranked = rankUnits(ctx.retrieval, "Interval(3, 1) swaps its ends silently; it should raise instead.");
    const at = (name: string) => ranked.findIndex((r) => ctx.retrieval.units[r.unit]!.name === name);
    const ctor = ranked[at("Interval.__new__")];
    assert.ok(
      ctor?.reasons.some((r) => r.kind === "identifier" && r.name === "Interval(…)"),
      JSON.stringify(ctor),
    );
    assert.ok(at("Point.__init__") === -1 || at("Point.__init__") > at("Interval.__new__"));
  } finally {
    ctx.cleanup();
  }
});

test("a question that describes a definition in its name's words, inflected, ranks it first", async () => {
  // The question never writes the name; its words are inflected differently ("requirements", "specifiers").
  const ctx = await engineFor(`
//- cpp/ast.py
class DeclaratorPtr:
    def require_space_after_decl_specifiers(self):
        return self.next.require_space_after_decl_specifiers()

    def describe_signature(self, signode, mode, env):
        signode += self.next.describe_signature(signode, mode, env)

class TypeWithInit:
    def get_id(self, version):
        return self.type.get_id(version)

    def space_padding(self):
        """Padding after the type when printing a declaration."""
        return " "
`);
  try {
    const ranked = rankUnits(
      ctx.retrieval,
      "What determines the spacing requirement after declaration specifier sequences in declarator wrappers?",
    );
    const top = ranked[0]!;
    assert.equal(ctx.retrieval.units[top.unit]!.name, "DeclaratorPtr.require_space_after_decl_specifiers");
    const reason = top.reasons.find((r) => r.kind === "name");
    assert.ok(reason, `no name reason: ${JSON.stringify(top.reasons)}`);
    // "declaration" matches the name's `decl`, which abbreviates it.
    assert.deepEqual(reason.terms, ["requir", "space", "after", "decl", "specifi"]);
  } finally {
    ctx.cleanup();
  }
});

test("the name signal reads the question's prose, not its pasted code or traceback", () => {
  const question = [
    "Printing fails for nested matrices",
    "```py",
    ">>> print_nested_matrix(m)",
    "```",
    "Traceback (most recent call last):",
    '  File "printer.py", line 3, in print_nested_matrix',
    "    indented code line",
    "The output is wrong.",
  ].join("\n");
  assert.equal(proseOf(question), "Printing fails for nested matrices\n\n\nThe output is wrong.");
});

test("code a tool wrote is indexed and ranks below hand-written code with the same words, unless the question names its file", async () => {
  const body = (name: string) =>
    `def ${name}(frame):\n    """Decode the screencast frame metadata."""\n    return frame.metadata\n`;
  const ctx = await engineFor(`
//- cdp/page.py
# DO NOT EDIT THIS FILE!
#
# This file is generated from the CDP specification.

${body("decode_frame_metadata")}
//- player/frames.py
${body("read_frame_metadata")}
`);
  try {
    assert.equal(ctx.index.get("cdp/page.py")?.generated, true);
    assert.equal(ctx.index.get("player/frames.py")?.generated, undefined);
    const file = (r: { unit: number }) => ctx.retrieval.units[r.unit]!.file;
    const asked = rankUnits(ctx.retrieval, "How is the screencast frame metadata decoded?");
    assert.deepEqual(asked.map(file).slice(0, 2), ["player/frames.py", "cdp/page.py"]);
    const named = rankUnits(ctx.retrieval, "How does cdp/page.py decode the screencast frame metadata?");
    assert.equal(file(named[0]!), "cdp/page.py");
  } finally {
    ctx.cleanup();
  }
});

test("test code is damped unless the question speaks of a test, in words as well as by name", async () => {
  // The same function in both files, so only the test damping and the word "test" tell them apart.
  const body = `def pick_source(table):\n    """Load the leap second table from the first source in priority order."""\n    return table.load()\n`;
  const ctx = await engineFor(`
//- time/leap.py
${body}
//- time/tests/test_leap.py
${body}
`);
  try {
    const top = (question: string) => ctx.retrieval.units[rankUnits(ctx.retrieval, question)[0]!.unit]!.file;
    // Neither kind of question names a test file or function; only the second kind speaks of a test.
    for (const q of [
      "How is the leap second table loaded from the first source in priority order?",
      // "test" in passing is not enough: this asks about the code.
      "How is the leap second table loaded from the first source in priority order when a test runs?",
    ])
      assert.equal(top(q), "time/leap.py", q);
    for (const q of [
      "What does the test class that loads the leap second table in priority order check?",
      "Why does the regression test load the leap second table from the first source in priority order?",
      "How does the test function for the leap second table pick the first source in priority order?",
    ])
      assert.equal(top(q), "time/tests/test_leap.py", q);
  } finally {
    ctx.cleanup();
  }
});

test("an edit request damps test code further: its regression tests repeat the report's words", async () => {
  // The test repeats the report's words more often than the code it tests, as regression tests do.
  const ctx = await engineFor(`
//- time/leap.py
def pick_source(sources):
    """Load the leap second table from the first source."""
    return sources[0].load()
//- time/tests/test_leap.py
def test_leap_table_priority(sources):
    """The leap second table is loaded from the first source in priority order."""
    table = pick_source(sources)  # first source in priority order
    assert table.origin == "first source in priority order"
`);
  try {
    const top = (question: string) => ctx.retrieval.units[rankUnits(ctx.retrieval, question)[0]!.unit]!.file;
    const words = "The leap second table is not loaded from the first source in priority order";
    // One line about behaviour: the test's many matches still win at the usual damping.
    assert.equal(top(`${words}?`), "time/tests/test_leap.py");
    // The same words as a report (two lines): the fix goes into the code.
    assert.equal(top(`${words}\nSeen on version 5.1 with two mirrors.`), "time/leap.py");
  } finally {
    ctx.cleanup();
  }
});

test("a plain function name in inline code finds its definition, as a name with an underscore would", async () => {
  const ctx = await engineFor(`
//- util/seqs.py
def uniq(seq):
    seen = set()
    for item in seq:
        if item not in seen:
            seen.add(item)
            yield item


def copy_list(items):
    """Copy a list argument so the caller may modify the list while iterating."""
    return list(items)
`);
  try {
    const top = (question: string) => ctx.retrieval.units[rankUnits(ctx.retrieval, question)[0]!.unit]!.name;
    const words = "modifies list argument\nIterating while you modify the list argument goes wrong";
    assert.equal(top(`uniq ${words}.`), "copy_list");
    assert.equal(top(`uniq ${words} in \`uniq\`.`), "uniq");
  } finally {
    ctx.cleanup();
  }
});

test("a class the question is about does not lift its unmatched methods above code that answers it", async () => {
  const getter = (name: string) =>
    `    def get_cookie_${name}(self, app):\n        return app.config["COOKIE_${name.toUpperCase()}"]\n\n`;
  const ctx = await engineFor(`
//- web/sessions.py
class SessionInterface:
    """How sessions are opened and saved: subclass it to store sessions elsewhere.
    A session is opened when a request starts and saved when the request ends."""

${["name", "domain", "path", "secure", "samesite"].map(getter).join("")}
    def open_session(self, app, request):
        raise NotImplementedError

    def save_session(self, app, session, response):
        raise NotImplementedError


//- web/app.py
def handle(app, request):
    """Serve one request: open its session when the request starts, save it when the request ends."""
    session = app.session_interface.open_session(app, request)
    response = app.dispatch(request)
    app.session_interface.save_session(app, session, response)
    return response
`);
  try {
    const ranked = rankUnits(
      ctx.retrieval,
      "Where is the session opened when a request starts and saved when it ends?",
    );
    const names = ranked.map((r) => ctx.retrieval.units[r.unit]!.name);
    // Each getter would otherwise borrow all of its class's and file's weight, as open_session does.
    for (const g of ["name", "domain", "path", "secure", "samesite"])
      assert.ok(names.indexOf("handle") < names.indexOf(`SessionInterface.get_cookie_${g}`), names.join(", "));
  } finally {
    ctx.cleanup();
  }
});

test("a class among the best units lifts its methods, which say why", async () => {
  const report = (name: string, doc: string) => `def ${name}(x):\n    """${doc}"""\n    return x\n\n\n`;
  const ctx = await engineFor(`
//- shapes/circle.py
class Circle:
    """A round shape: its area and its perimeter follow from its radius."""

    def __init__(self, radius):
        self.radius = radius

    def size(self):
        return 3.14159 * self.radius ** 2


//- shapes/report.py
${report("describe", "Work out the area line of a round shape from its radius, for the report.")}
${report("report_header", "The report's header line.")}
${report("report_footer", "The report's footer line.")}
${report("report_rows", "The report's rows, a line each.")}
${report("report_title", "The report's title line.")}
${report("report_width", "The widest line of the report.")}
`);
  try {
    const name = (r: { unit: number }) => ctx.retrieval.units[r.unit]!.name;
    // The method ranks above the report's functions that match nothing, and its class, among the
    // best units, lifts it and says so (the reason below). Its own words barely match, so it borrows
    // only part of its class's and file's weight (`priorEvidence`) and stays below `describe`,
    // whose own words match the question best.
    const ranked = rankUnits(ctx.retrieval, "How does the round shape work out its area from its radius?");
    const names = ranked.map(name);
    assert.ok(names.indexOf("Circle.size") < names.indexOf("report_header"), names.join(", "));
    assert.ok(names.indexOf("describe") < names.indexOf("Circle.size"), names.join(", "));
    const lifted = ranked.find((r) => name(r) === "Circle.size")!.reasons.find((r) => r.kind === "class");
    assert.equal(lifted?.kind === "class" && lifted.name, "Circle");
    assert.ok(lifted?.kind === "class" && lifted.rank <= 3, JSON.stringify(lifted));
    // A question the class is not among the best for lifts nothing.
    const other = rankUnits(ctx.retrieval, "How is each line of the report written?");
    assert.ok(other.map(name).indexOf("Circle") >= 3, other.map(name).join(", "));
    assert.ok(other.every((r) => r.reasons.every((x) => x.kind !== "class")));
  } finally {
    ctx.cleanup();
  }
});

test("a short definition that the question's words fill outranks a long one that uses them in passing", async () => {
  // Units are normalised fully for their length (BM25 b = 1): at the usual 0.75, render_page's
  // three calls outscore backoff's one, though backoff is about little else.
  const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join("\n");
  const cells = (prefix: string, n: number) => lines(n, (i) => `    ${prefix}_${i} = layout.cell(${i}, width)`);
  const retries = (n: number) => lines(n, (i) => `    session.retry(timeout=${i})`);
  const others = lines(4, (k) => `def other_${k}(layout, width):\n${cells(`o${k}`, 8)}\n`);
  const ctx = await engineFor(`
//- net/client.py
def render_page(layout, width, session):
${cells("row", 20)}
${retries(3)}


def backoff(layout, width, session):
${cells("col", 5)}
${retries(1)}

${others}
`);
  try {
    const hits = ctx.retrieval.searchUnits(ctx.retrieval.query("retry timeout"), 10);
    const names = hits.map((h) => ctx.retrieval.units[h.doc]!.name);
    assert.deepEqual(names, ["backoff", "render_page"]);
  } finally {
    ctx.cleanup();
  }
});

test("a name that abbreviates the question's words is described by them (`decl_specs`, `type_id`, `poly_degree`)", async () => {
  // The question writes "declaration specifiers", "type identifier" and "polynomial"; the code abbreviates them.
  // Each decoy shares the name's other word and comes first in the file, which decides a tie.
  const ctx = await engineFor(`
//- cpp/parser.py
class Parser:
    def parse_template_args(self, outer):
        while self.skip_ws():
            self.read_argument(outer)

    def parse_decl_specs(self, outer):
        while self.skip_ws():
            self.read_keyword(outer)

    def get_type_name(self, version):
        return self.inner.get_type_name(version)

    def get_type_id(self, version):
        return self.inner.get_type_id(version)

    def max_degree(self, terms):
        return max(t.exponent for t in terms)

    def poly_degree(self, terms):
        return max(t.exponent for t in terms)
`);
  try {
    const top = (question: string) => {
      const best = rankUnits(ctx.retrieval, question)[0]!;
      const name = ctx.retrieval.units[best.unit]!.name;
      return { name, terms: best.reasons.find((r) => r.kind === "name")?.terms };
    };
    assert.deepEqual(top("How are declaration specifiers parsed?"), {
      name: "Parser.parse_decl_specs",
      terms: ["pars", "decl", "spec"],
    });
    assert.deepEqual(top("What does the type identifier generation return?"), {
      name: "Parser.get_type_id",
      terms: ["type", "id"],
    });
    // `poly` stems to "poli", which starts no word; its raw form starts "polynomial".
    assert.deepEqual(top("What is the polynomial's degree?"), {
      name: "Parser.poly_degree",
      terms: ["poli", "degre"],
    });
  } finally {
    ctx.cleanup();
  }
});
