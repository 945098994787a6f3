import * as vscode from "vscode";
import { answerWithHostModel, type HostModel } from "../core/chat/host-model-answer";
import { inspectorModel } from "../core/chat/inspector-model";
import { buildPrompt, explainInstruction, type Prompt, type Turn } from "../core/chat/prompt";
import type { ContextEngine } from "../core/context/context-engine";
import { SYMBOL_NAME, explainPackage } from "../core/context/explain";
import type { ContextPackage } from "../core/context/types";
import { ChatParticipants, Commands, Settings, Views } from "./ids";
import type { IndexService } from "./index-service";
import type { InspectorPanel } from "./inspector-panel";
import { UNTRUSTED_MESSAGE } from "./trust";

interface LastAnswer {
  pack: ContextPackage;
  prompt?: Prompt;
  model?: string;
}

/**
 * `@threadline` in VS Code's Chat: answers with Threadline's context through the
 * model the user picked there (`request.model`), links only the citations that
 * check out against what was sent, and flags the others. `/explain` walks a
 * symbol across files, `/context` shows what would be sent, `/inspect` opens
 * the inspector for the last answer.
 */
export function registerChatParticipant(
  context: vscode.ExtensionContext,
  indexService: IndexService,
  inspector: InspectorPanel,
): vscode.Disposable {
  let last: LastAnswer | undefined;
  const handler: vscode.ChatRequestHandler = async (request, chatContext, stream, token) => {
    if (request.command === "inspect") {
      if (!last) {
        stream.markdown("No Threadline answer in this session yet: ask `@threadline` a question first.");
        return {};
      }
      await showInspector(indexService, inspector, last);
      stream.markdown(`Opened the inspector for “${last.pack.question}”.`);
      return {};
    }
    if (!vscode.workspace.isTrusted) {
      stream.markdown(UNTRUSTED_MESSAGE);
      stream.button({ command: "workbench.trust.manage", title: "Trust this workspace" });
      return {};
    }
    stream.progress("Reading the Threadline index…");
    const ready = await indexService.whenReady();
    if (!ready) {
      stream.markdown("Open a folder to ask Threadline about its code.");
      return {};
    }
    const budget = vscode.workspace.getConfiguration().get<number>(Settings.contextBudget, 8000);
    const built = buildPackage(request, ready.engine, budget);
    if (typeof built === "string") {
      stream.markdown(built);
      return {};
    }
    const { pack, question } = built;
    if (request.command === "context") {
      last = { pack };
      stream.markdown(
        `Threadline would send ${pack.spans.length} spans, ${pack.tokens} of ${pack.budget} tokens, for “${pack.question}”:\n\n`,
      );
      stream.markdown(fenced(pack.text));
      for (const s of pack.spans) {
        const uri = uriOf(ready.index, s.file);
        if (uri) stream.reference(new vscode.Location(uri, lineRange(s.ranges[0]![0], s.ranges.at(-1)![1])));
      }
      stream.button({ command: Commands.showParticipantContext, title: "Open in the inspector" });
      return {};
    }
    if (!request.model) {
      stream.markdown(
        "No language model is available in Chat. Use Threadline's own panel, with any OpenAI-compatible endpoint.",
      );
      stream.button({ command: `workbench.view.extension.${Views.container}`, title: "Open Threadline" });
      return {};
    }
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    stream.progress(`Answering from ${pack.spans.length} spans (${pack.tokens} tokens)…`);
    try {
      const result = await answerWithHostModel(
        question,
        pack,
        historyOf(chatContext),
        hostModel(request.model, token),
        {
          markdown: (text) => stream.markdown(text),
          citation: (c) => {
            const uri = uriOf(ready.index, c.file);
            if (!uri) return stream.markdown(c.text);
            const location = new vscode.Location(uri, lineRange(c.start, c.end));
            stream.anchor(location, c.text.replace(/^\[|\]$/g, ""));
            stream.reference(location);
          },
          warning: (text) => stream.markdown(`\n\n> ⚠️ ${text}\n`),
        },
        ready.engine.counter(pack.encoding),
        abort.signal,
      );
      last = { pack, prompt: result.prompt, model: request.model.name };
      return { metadata: { citations: result.citations.length } };
    } catch (e) {
      if (e instanceof vscode.LanguageModelError || (e instanceof Error && /no.*model|not found/i.test(e.message))) {
        stream.markdown(
          `The chat model could not answer (${(e as Error).message}). Threadline's own panel works with any OpenAI-compatible endpoint.`,
        );
        stream.button({ command: `workbench.view.extension.${Views.container}`, title: "Open Threadline" });
        return {};
      }
      throw e;
    }
  };
  const participant = vscode.chat.createChatParticipant(ChatParticipants.threadline, handler);
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, "media", "threadline.svg");
  return vscode.Disposable.from(
    participant,
    vscode.commands.registerCommand(Commands.showParticipantContext, async () => {
      if (last) await showInspector(indexService, inspector, last);
    }),
  );
}

/** The package for a request: a call path for `/explain`, a ranked context otherwise. The query is the user's words. */
function buildPackage(
  request: vscode.ChatRequest,
  engine: ContextEngine,
  budget: number,
): { pack: ContextPackage; question: string } | string {
  const prompt = request.prompt.trim();
  if (request.command === "explain") {
    const editor = vscode.window.activeTextEditor;
    const fromEditor = editor
      ? editor.document.getText(editor.document.getWordRangeAtPosition(editor.selection.active, SYMBOL_NAME))
      : "";
    const name = SYMBOL_NAME.exec(prompt)?.[0] ?? fromEditor;
    if (!name) return "Name a symbol (`/explain checkout`) or put the cursor on one.";
    const found = explainPackage(engine, { name }, { budget, query: prompt || name });
    if (!found) return `Threadline found no definition or use of \`${name}\` in the index.`;
    return { pack: found.pack, question: explainInstruction(name) + (prompt && prompt !== name ? ` ${prompt}` : "") };
  }
  if (!prompt) return "Ask a question about this codebase, e.g. `@threadline how is tax applied at checkout?`";
  return { pack: engine.build(prompt, { budget }), question: prompt };
}

function hostModel(model: vscode.LanguageModelChat, token: vscode.CancellationToken): HostModel {
  return {
    async *send(messages) {
      // The Chat API has no system role: the rules go first, as a user message, as Copilot's own participants do.
      const chat = messages.map((m) =>
        m.role === "assistant"
          ? vscode.LanguageModelChatMessage.Assistant(m.content)
          : vscode.LanguageModelChatMessage.User(m.content),
      );
      const response = await model.sendRequest(
        chat,
        { justification: "Threadline answers from your codebase." },
        token,
      );
      yield* response.text;
    },
  };
}

/** Earlier `@threadline` turns of this chat, as the prompt's history. */
function historyOf(context: vscode.ChatContext): Turn[] {
  const turns: Turn[] = [];
  let question: string | undefined;
  for (const h of context.history) {
    if (h instanceof vscode.ChatRequestTurn) question = h.prompt;
    else if (h instanceof vscode.ChatResponseTurn && question !== undefined) {
      const answer = h.response
        .map((p) => (p instanceof vscode.ChatResponseMarkdownPart ? p.value.value : ""))
        .join("");
      turns.push({ question, answer, citations: [] });
      question = undefined;
    }
  }
  return turns;
}

async function showInspector(indexService: IndexService, inspector: InspectorPanel, last: LastAnswer): Promise<void> {
  const ready = await indexService.whenReady();
  if (!ready) return;
  const counter = ready.engine.counter(last.pack.encoding);
  inspector.show(
    inspectorModel(last.pack, last.prompt ?? buildPrompt(last.pack.question, last.pack, [], 0, counter), {
      dryRun: !last.prompt,
      ...(last.model ? { endpoint: { baseUrl: "VS Code Chat", model: last.model } } : {}),
      linesOf: (f) => ready.engine.retrievalIndex?.lines.get(f),
      count: (t) => counter.count(t),
    }),
  );
}

function uriOf(index: { toAbsolutePath(f: string): string | undefined }, file: string): vscode.Uri | undefined {
  const abs = index.toAbsolutePath(file);
  return abs ? vscode.Uri.file(abs) : undefined;
}

function lineRange(start: number, end: number): vscode.Range {
  return new vscode.Range(start - 1, 0, end - 1, Number.MAX_SAFE_INTEGER);
}

/** A fence longer than any backtick run in the text, so repository text cannot close it. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}\n`;
}
