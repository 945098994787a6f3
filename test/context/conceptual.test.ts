import assert from "node:assert/strict";
import { test } from "node:test";
import { explainPackage } from "../../src/core/context/explain";
import { engineFor } from "../helpers/context";

/**
 * The shape of a conceptual question on pallets/flask (issue #18), reproduced
 * small: the code that answers "how are request hooks dispatched" lives in
 * app.py, while configuration, templates, changelogs and docs also say "hooks".
 * Decorated methods (`@setupmethod`, `@property`) must be named in the outline.
 */
const FLASKISH = `
//- src/flask/app.py
from .sansio.scaffold import Scaffold


class Flask(Scaffold):
    """The flask object implements a WSGI application and acts as the central
    object. It is passed the name of the module or package of the application.
    Once it is created it will act as a central registry for the view functions,
    the URL rules, template configuration and much more.

    The name of the package is used to resolve resources from inside the
    package or the folder the module is contained in depending on if the
    package parameter resolves to an actual python package (a folder with
    an __init__.py file inside) or a standard module (just a .py file).
    """

    request_class = dict
    response_class = dict
    testing = False
    secret_key = None
    permanent_session_lifetime = 31
    default_config = {"DEBUG": None, "TESTING": False, "PROPAGATE_EXCEPTIONS": None}

    def __init__(self, import_name):
        super().__init__(import_name)
        self.config = {}

    @property
    def name(self):
        return self.import_name

    def full_dispatch_request(self):
        """Dispatches the request and on top of that performs request pre and
        postprocessing as well as HTTP exception catching and error handling."""
        rv = self.preprocess_request()
        if rv is None:
            rv = self.dispatch_request()
        return self.finalize_request(rv)

    def dispatch_request(self):
        """Does the request dispatching: calls the view function of the matched rule."""
        rule = self.url_rule
        return self.view_functions[rule.endpoint]()

    def finalize_request(self, rv):
        """Turns the view's return value into a response and runs the after_request hooks."""
        response = self.make_response(rv)
        return self.process_response(response)

    def preprocess_request(self):
        """Called before the request is dispatched: runs the before_request hooks."""
        for before_func in self.before_request_funcs.get(None, ()):
            rv = before_func()
            if rv is not None:
                return rv
        return None

    def process_response(self, response):
        """Can be overridden to modify the response object before it's sent: runs the after_request hooks."""
        for func in reversed(self.after_request_funcs.get(None, ())):
            response = func(response)
        return response

    def do_teardown_request(self, exc=None):
        """Called after the request is dispatched and the response is returned: runs the teardown_request hooks."""
        for func in reversed(self.teardown_request_funcs.get(None, ())):
            func(exc)
//- src/flask/sansio/scaffold.py
def setupmethod(f):
    return f


class Scaffold:
    def __init__(self, import_name):
        self.import_name = import_name
        self.view_functions = {}
        self.before_request_funcs = {}
        self.after_request_funcs = {}
        self.teardown_request_funcs = {}

    @setupmethod
    def before_request(self, f):
        """Register a function to run before each request."""
        self.before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f):
        """Register a function to run after each request to this object."""
        self.after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f):
        """Register a function to be called when the request context is popped."""
        self.teardown_request_funcs.setdefault(None, []).append(f)
        return f
//- .pre-commit-config.yaml
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    hooks:
      - id: ruff
      - id: ruff-format
  - repo: https://github.com/pre-commit/pre-commit-hooks
    hooks:
      - id: check-merge-conflict
      - id: debug-statements
      - id: fix-byte-order-marker
      - id: trailing-whitespace
      - id: end-of-file-fixer
//- .github/pull_request_template.md
Describe what this patch does to fix the issue. Are request hooks dispatched
differently? Link to any relevant issues or pull requests.

- [ ] Add tests that demonstrate the correct behavior of the change (hooks, teardown, before_request).
- [ ] Add or update relevant docs, in the docs folder and in code.
//- CHANGES.rst
Version 3.1.0
-------------

-   The before_request hooks are dispatched before the teardown hooks. :issue:\`5001\`
-   Request hooks: teardown functions are called even if before_request raised. :issue:\`5002\`
-   Dispatching request hooks: after_request may replace the response. :issue:\`5003\`
//- docs/lifecycle.rst
Application Structure and Lifecycle
===================================

How request hooks are dispatched
--------------------------------

The before_request hooks run first, then the view, then the after_request hooks, and the
teardown hooks always run at the end of the request.
`;

const QUESTION = "How are request hooks dispatched? Include before_request and teardown.";

test("a behaviour question gets code, not config, templates or changelogs, and the outline names every method", async () => {
  const { engine, cleanup } = await engineFor(FLASKISH);
  try {
    for (const budget of [3000, 6000]) {
      const pack = engine.build(QUESTION, { budget });
      const files = new Set(pack.spans.map((s) => s.file));
      const symbols = new Set(pack.spans.map((s) => s.symbol));
      for (const noise of [".pre-commit-config.yaml", ".github/pull_request_template.md", "CHANGES.rst"])
        assert.ok(![...files].some((f) => f.endsWith(noise)), `${budget}: no ${noise} span: ${[...files].join(", ")}`);
      for (const s of ["Flask.full_dispatch_request", "Flask.process_response"])
        assert.ok(symbols.has(s), `${budget}: ${s} is in: ${[...symbols].join(", ")}`);
      const outline = pack.text.slice(pack.text.indexOf("# Outline"), pack.text.indexOf("# Code"));
      for (const f of files) assert.ok(outline.includes(f.split("/").pop()!), `${budget}: the outline lists ${f}`);
      assert.doesNotMatch(outline, /^\s*@\w+/m, "no outline line is only a decorator");
      for (const line of ["def before_request(self, f):", "def name(self):", "def full_dispatch_request(self):"])
        assert.ok(outline.includes(line), `${budget}: the outline names ${line}\n${outline}`);
    }
  } finally {
    cleanup();
  }
});

test("a question about configuration or the changelog still gets those files", async () => {
  const { engine, cleanup } = await engineFor(FLASKISH);
  try {
    const config = engine.build("Which pre-commit hooks are configured?", { budget: 1500 });
    assert.ok(
      config.spans.some((s) => s.file === "ws/.pre-commit-config.yaml" || s.file.endsWith(".pre-commit-config.yaml")),
    );
    const changes = engine.build("What does the changelog say about teardown hooks?", { budget: 1500 });
    assert.ok(changes.spans.some((s) => s.file.endsWith("CHANGES.rst")));
  } finally {
    cleanup();
  }
});

test("Explain on a method shows its class as a skeleton and keeps every direct callee", async () => {
  const { engine, cleanup } = await engineFor(FLASKISH);
  try {
    const found = explainPackage(engine, { name: "Flask.full_dispatch_request" }, { budget: 1200 })!;
    const span = (symbol: string) => found.pack.spans.find((s) => s.symbol === symbol);
    const type = span("Flask");
    assert.ok(type, "the class is on the path as its type");
    assert.equal(type.detail, "pruned");
    const text = found.pack.text;
    assert.match(text, /testing = False/, "its fields are shown");
    assert.doesNotMatch(text, /URL rules, template configuration/, "its long docstring is not");
    for (const callee of ["Flask.preprocess_request", "Flask.dispatch_request", "Flask.finalize_request"])
      assert.ok(
        span(callee),
        `the direct callee ${callee} is present: ${found.pack.spans.map((s) => s.symbol).join(", ")}`,
      );
  } finally {
    cleanup();
  }
});
