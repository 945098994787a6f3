import assert from "node:assert/strict";
import { after, test } from "node:test";
import { isProsePath, rankUnits } from "../../src/core/context/rank";
import { engineFor } from "../helpers/context";

/**
 * A question about configuration lifts the docs, so pages of prose rank among the best files. A
 * breadth place given to one shows nothing (a prose block has no signature, and elided it shows
 * only its heading), so the places go to the files breadth can show: here `limits.py`, ranked
 * after the pages and after two files of retry helpers, whose signatures take the rest of the room.
 */
const page = (n: number) => `//- docs/retry_${n}.md
# Retry settings ${n}

Configure the retry settings: the retry limit, the retry backoff and the retry timeout settings.
Retry settings are read from the retry configuration file. Retry, retry, retry settings.
`;
const helper = (i: number) => `
def read_retry_setting_${i}(config):
    """Reads retry setting ${i} from the retry settings of the configuration."""
    return config.get("retry", {}).get("setting_${i}")
`;
const SERVICE = `
${[1, 2, 3, 4, 5, 6, 7].map(page).join("")}
//- service/retries.py
${Array.from({ length: 30 }, (_, i) => helper(i)).join("")}
//- service/backoff.py
${Array.from({ length: 12 }, (_, i) => helper(i).replace("read_retry_setting", "read_backoff_setting")).join("")}
//- service/limits.py
def limit_for(config):
    """The limit of retries, from the settings."""
    return int(config.get("limit", 3))
`;

const ctx = engineFor(SERVICE);
after(async () => (await ctx).cleanup());

test("breadth places go to files it can show, not to pages of prose", async () => {
  const { engine, retrieval } = await ctx;
  const question = "How are the retry settings configured?";
  const files: string[] = [];
  for (const r of rankUnits(retrieval, question)) {
    const file = retrieval.units[r.unit]!.file;
    if (!files.includes(file)) files.push(file);
  }
  // The case this is about: more pages than breadth's five places rank before the file.
  const limits = files.indexOf("service/limits.py");
  assert.ok(files.slice(0, limits).filter(isProsePath).length >= 5, files.join(", "));
  const pack = engine.build(question, { budget: 600 });
  assert.match(pack.text, /^## service\/limits\.py$/m, pack.text);
  assert.ok(pack.tokens <= 600);
});
