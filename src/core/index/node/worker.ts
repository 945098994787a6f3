import { parentPort, workerData } from "node:worker_threads";
import { parseBytes, TreeCache, type ParseJob } from "../parse-file";
import type { IndexAssets } from "./assets";
import { GrammarSet } from "./grammars";

/** Worker thread entry: parses files posted by the pool, one message per file. */
const grammars = new GrammarSet(workerData as IndexAssets);
const trees = new TreeCache();

parentPort!.on("message", (msg: { id: number; job: ParseJob }) => {
  void parseBytes((id) => grammars.get(id), msg.job, trees).then((outcome) =>
    parentPort!.postMessage({ id: msg.id, outcome }),
  );
});
