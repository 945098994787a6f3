import * as fs from "node:fs";
import * as path from "node:path";
import { Language, Parser, Query } from "web-tree-sitter";
import type { LoadedGrammar } from "../extract";
import { type GrammarSpec, grammarFor, queryFileFor } from "../languages";
import type { LanguageId } from "../types";
import type { IndexAssets } from "./assets";

/** Loads grammars on first use; one parser per language, owned by one thread. */
export class GrammarSet {
  private readonly loaded = new Map<LanguageId, Promise<LoadedGrammar>>();
  private static runtime: Promise<void> | undefined;

  constructor(private readonly assets: IndexAssets) {}

  get(id: LanguageId): Promise<LoadedGrammar> | undefined {
    const spec = grammarFor(id);
    if (!spec) return undefined;
    let grammar = this.loaded.get(id);
    if (!grammar) {
      grammar = this.load(spec.id, spec.wasm);
      this.loaded.set(id, grammar);
    }
    return grammar;
  }

  private async load(id: GrammarSpec["id"], wasm: string): Promise<LoadedGrammar> {
    // The wasm runtime is process-wide state inside web-tree-sitter; initialise it once.
    GrammarSet.runtime ??= Parser.init({ locateFile: () => this.assets.runtimeWasm });
    await GrammarSet.runtime;
    const language = await Language.load(fs.readFileSync(path.join(this.assets.wasmDir, wasm)));
    const source = fs.readFileSync(path.join(this.assets.queryDir, queryFileFor(id)), "utf8");
    const parser = new Parser();
    parser.setLanguage(language);
    return { id, parser, query: new Query(language, source) };
  }

  dispose(): void {
    for (const g of this.loaded.values()) {
      void g.then(
        (x) => {
          x.query.delete();
          x.parser.delete();
        },
        () => undefined,
      );
    }
    this.loaded.clear();
  }
}
