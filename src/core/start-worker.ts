import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread running `script`: the bundled JavaScript in dist/, or, from
 * source (tests, tsx), the TypeScript file loaded through tsx's require hook.
 */
export function startWorker(script: string, options: WorkerOptions): Worker {
  return script.endsWith(".ts")
    ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(script)});`, { ...options, eval: true })
    : new Worker(script, options);
}
