import { readIndexedText } from "../index/read-text";
import type { WorkspaceIndex } from "../index/workspace-index";
import { buildContext } from "./build-context";
import { RetrievalIndex } from "./retrieval-index";
import { DEFAULT_ENCODING, TokenCounter, isEncoding } from "./token-counter";
import type { ContextOptions, ContextPackage } from "./types";

/**
 * Keeps the retrieval index in step with a workspace index and builds
 * context packages from it. The retrieval index is rebuilt lazily, on the
 * first question after the workspace index changed.
 */
export class ContextEngine {
  private retrieval: { version: number; index: RetrievalIndex } | undefined;
  private readonly counters = new Map<string, TokenCounter>();

  constructor(private readonly index: WorkspaceIndex) {}

  /** Brings the retrieval index up to date; returns the milliseconds it took (0 when it was current). */
  prepare(): number {
    if (this.retrieval?.version === this.index.version) return 0;
    const t = performance.now();
    this.retrieval = { version: this.index.version, index: RetrievalIndex.build(this.index, readIndexedText) };
    return performance.now() - t;
  }

  build(question: string, options: ContextOptions): ContextPackage {
    const prepareMs = this.prepare();
    const pack = buildContext(this.retrieval!.index, this.counter(options.encoding), question, options);
    if (prepareMs > 0) pack.stats.ms.prepare = Math.round(prepareMs);
    return pack;
  }

  get retrievalIndex(): RetrievalIndex | undefined {
    return this.retrieval?.index;
  }

  counter(encoding = DEFAULT_ENCODING as string): TokenCounter {
    if (!isEncoding(encoding)) throw new Error(`unknown encoding "${encoding}"`);
    let c = this.counters.get(encoding);
    if (!c) this.counters.set(encoding, (c = new TokenCounter(encoding)));
    return c;
  }

  dispose(): void {
    for (const c of this.counters.values()) c.dispose();
    this.counters.clear();
  }
}
