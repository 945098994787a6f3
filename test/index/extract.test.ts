import assert from "node:assert/strict";
import { after, test } from "node:test";
import { writeFixture } from "../helpers/fixture";
import { indexFor, outline } from "../helpers/index";
import type { WorkspaceIndex } from "../../src/core/index/workspace-index";

const fixture = writeFixture(`
//- pkg/shapes.py
"""Shapes."""
import math
from .util import helper

MAX_SIDES = 12


class Shape:
    """A shape."""

    def area(self):
        return 0

    @property
    def name(self):
        return helper(self)


# Computes the total.
# Across shapes.
def total(shapes):
    return sum(s.area() for s in shapes)
//- web/app.ts
import { helper } from "./util";

/** Greets. */
export function greet(name: string): string {
  return helper(name);
}

export class Greeter implements Named {
  constructor(private readonly who: string) {}

  greet(): string {
    return greet(this.who);
  }
}

export interface Named {
  name(): string;
}

export type Id = string;
export enum Color {
  Red,
}
export const DEFAULTS = { a: 1 };
//- a/main.go
package main

import "fmt"

// Server serves.
type Server struct {
	addr string
}

func (s *Server) Start() error {
	return run(s.addr)
}

func run(addr string) error {
	fmt.Println(addr)
	return nil
}
//- a/lib.rs
use std::collections::HashMap;

/// A point.
pub struct Point {
    x: i32,
}

impl Point {
    pub fn norm(&self) -> i32 {
        helper(self.x)
    }
}

fn helper(x: i32) -> i32 {
    x.abs()
}
//- a/App.java
import java.util.List;

public class App {
    /** Runs. */
    public void run() {
        helper();
    }

    private int helper() {
        return 1;
    }
}
//- a/util.c
#include <stdio.h>

static int add(int a, int b) {
    return a + b;
}
//- a/Svc.cs
using System;

namespace Demo {
    public class Svc {
        public int Run() {
            return Helper();
        }
        int Helper() { return 1; }
    }
}
//- a/svc.rb
require "json"

class Svc
  def run
    helper
  end
end
//- a/svc.php
<?php
use App\\Models\\User;

class Svc {
    public function run() {
        return $this->helper();
    }
}
//- a/build.sh
source ./env.sh

build() {
  echo building
}
//- a/widget.tsx
export function Widget(props: { n: number }) {
  return <div>{props.n}</div>;
}
//- a/old.js
const fs = require("fs");
class Old {
  run() {
    return go();
  }
}
//- a/broken.py
def good_before():
    return 1

def broken():
    x = = 2
    return x

def good_after():
    return 2
`);

let index: WorkspaceIndex;
const built = (async () => {
  index = indexFor(fixture.root);
  await index.build();
  return index;
})();
after(() => {
  index?.dispose();
  fixture.cleanup();
});

async function check(path: string, expected: string[]) {
  const idx = await built;
  const file = idx.get(path);
  assert.ok(file, `${path} was not indexed`);
  assert.deepEqual(outline(file.symbols), expected);
  return file;
}

test("python: classes, methods, decorators, docstrings, comments, constants", async () => {
  const file = await check("pkg/shapes.py", [
    "constant MAX_SIDES 5-5 sig:5",
    "class Shape 8-16 sig:8 doc:9-9",
    "method Shape.area 11-12 sig:11",
    "method Shape.name 14-16 sig:15",
    "function total 21-22 sig:21 doc:19-20",
  ]);
  assert.deepEqual(file.symbols[2]!.parent, 1);
  assert.deepEqual(file.imports, [
    { source: "math", line: 2 },
    { source: ".util", line: 3 },
  ]);
  assert.deepEqual(file.refs.helper, [16]);
  assert.deepEqual(file.refs.area, [22]);
});

test("typescript: functions, classes, interfaces, types, enums, constants", async () => {
  const file = await check("web/app.ts", [
    "function greet 4-6 sig:4 doc:3-3",
    "class Greeter 8-14 sig:8",
    "method Greeter.constructor 9-9 sig:9",
    "method Greeter.greet 11-13 sig:11",
    "interface Named 16-18 sig:16",
    "method Named.name 17-17 sig:17",
    "type Id 20-20 sig:20",
    "enum Color 21-23 sig:21",
    "constant DEFAULTS 24-24 sig:24",
  ]);
  assert.deepEqual(file.imports, [{ source: "./util", line: 1 }]);
  assert.deepEqual(file.refs.greet, [12]);
});

test("go: receivers qualify methods", async () => {
  const file = await check("a/main.go", [
    "class Server 6-8 sig:6 doc:5-5",
    "method Server.Start 10-12 sig:10",
    "function run 14-17 sig:14",
  ]);
  assert.deepEqual(file.imports, [{ source: "fmt", line: 3 }]);
});

test("rust, java, c, c#, ruby, php, bash, tsx, javascript", async () => {
  await check("a/lib.rs", [
    "class Point 4-6 sig:4 doc:3-3",
    "class Point 8-12 sig:8",
    "method Point.norm 9-11 sig:9",
    "function helper 14-16 sig:14",
  ]);
  await check("a/App.java", [
    "class App 3-12 sig:3",
    "method App.run 5-7 sig:5 doc:4-4",
    "method App.helper 9-11 sig:9",
  ]);
  await check("a/util.c", ["function add 3-5 sig:3"]);
  await check("a/Svc.cs", [
    "module Demo 3-10 sig:3",
    "class Demo.Svc 4-9 sig:4",
    "method Demo.Svc.Run 5-7 sig:5",
    "method Demo.Svc.Helper 8-8 sig:8",
  ]);
  await check("a/svc.rb", ["class Svc 3-7 sig:3", "method Svc.run 4-6 sig:4"]);
  await check("a/svc.php", ["class Svc 4-8 sig:4", "method Svc.run 5-7 sig:5"]);
  await check("a/build.sh", ["function build 3-5 sig:3"]);
  await check("a/widget.tsx", ["function Widget 1-3 sig:1"]);
  await check("a/old.js", ["constant fs 1-1 sig:1", "class Old 2-6 sig:2", "method Old.run 3-5 sig:3"]);
});

test("a syntax error still yields the definitions around it", async () => {
  const file = await built.then((i) => i.get("a/broken.py"));
  assert.ok(file);
  assert.deepEqual(file.errors, [{ line: 5, message: "syntax error" }]);
  assert.deepEqual(outline(file.symbols), [
    "function good_before 1-2 sig:1",
    "function broken 4-6 sig:4",
    "function good_after 8-9 sig:8",
  ]);
  assert.equal((await built).stats().parseErrors, 1);
});
