import * as fs from "node:fs";
import * as path from "node:path";
import { emptyMemory, parseMemoryFile, storedMemory, type ConversationMemory } from "../core/chat/memory";

/**
 * `ask --conversation FILE`: the conversation's memory between runs. A missing file starts a
 * conversation; an unreadable one is reported, kept aside as `FILE.corrupt` (nothing is lost)
 * and started afresh.
 */
export function loadConversation(file: string, warn: (line: string) => void): ConversationMemory {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return emptyMemory();
    warn(`cannot read the conversation ${file} (${(e as Error).message}); starting a new one`);
    return emptyMemory();
  }
  const { memory, problem } = parseMemoryFile(text);
  if (problem) {
    const aside = `${file}.corrupt`;
    fs.renameSync(file, aside);
    warn(`${problem}; kept it as ${aside} and started a new conversation`);
  }
  return memory;
}

/** Writes atomically (temporary file, then rename), so an interrupted run never leaves half a conversation. */
export function saveConversation(file: string, memory: ConversationMemory): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(storedMemory(memory), null, 1));
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
