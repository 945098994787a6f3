import { randomBytes } from "node:crypto";
import type { ContextPackage } from "../context/types";

/** How many packages are kept, and for how long: enough for an agent to check the answer it just wrote. */
const MAX_PACKAGES = 64;
const TTL_MS = 60 * 60 * 1000;

/**
 * The packages handed to agents, kept in memory by id so that a later
 * `check_citations` call validates against exactly what was sent. Oldest
 * first out; nothing is persisted.
 */
export class PackageStore {
  private readonly packages = new Map<string, { pack: ContextPackage; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  put(pack: ContextPackage): string {
    this.expire();
    const id = `p_${randomBytes(6).toString("hex")}`;
    this.packages.set(id, { pack, at: this.now() });
    while (this.packages.size > MAX_PACKAGES) this.packages.delete(this.packages.keys().next().value!);
    return id;
  }

  get(id: string): ContextPackage | undefined {
    this.expire();
    return this.packages.get(id)?.pack;
  }

  private expire(): void {
    const cutoff = this.now() - TTL_MS;
    for (const [id, entry] of this.packages) if (entry.at < cutoff) this.packages.delete(id);
  }
}
