import * as vscode from "vscode";
import { inspectorModel } from "../core/chat/inspector-model";
import { buildPrompt } from "../core/chat/prompt";
import type { ChatController } from "./chat-controller";
import { Settings } from "./ids";
import type { IndexService } from "./index-service";
import type { InspectorPanel } from "./inspector-panel";
import type { LocalModelService } from "./local-model-service";

/** "Show Context Sent": the inspector for one answer (the last one by default). */
export async function showContextSent(
  chat: ChatController,
  indexService: IndexService,
  panel: InspectorPanel,
  turnId?: string,
): Promise<void> {
  const id = typeof turnId === "string" ? turnId : chat.lastTurnId();
  const record = id ? chat.record(id) : undefined;
  if (!record) {
    void vscode.window.showInformationMessage(
      "Threadline: no request to show yet in this session. Ask a question, or use “Preview Context for Question…”.",
    );
    return;
  }
  const ready = await indexService.whenReady();
  const counter = ready?.engine.counter(record.context.encoding);
  if (!ready || !counter) return;
  panel.show(
    inspectorModel(record.context, record.prompt, {
      dryRun: false,
      endpoint: record.endpoint,
      linesOf: (f) => ready.engine.retrievalIndex?.lines.get(f),
      count: (t) => counter.count(t),
      ...(record.chain ? { chain: record.chain } : {}),
    }),
    `turn:${id}`,
  );
}

/** "Preview Context for Question…": builds and inspects the context without sending anything. */
export async function previewContext(
  indexService: IndexService,
  localModel: LocalModelService,
  panel: InspectorPanel,
): Promise<void> {
  const question = await vscode.window.showInputBox({
    title: "Threadline: Preview Context for Question",
    prompt: "Nothing is sent: this shows the context a question would get.",
    ignoreFocusOut: true,
  });
  if (!question?.trim()) return;
  const ready = await indexService.whenReady();
  if (!ready) {
    void vscode.window.showInformationMessage("Threadline: open a folder first.");
    return;
  }
  const budget = vscode.workspace.getConfiguration().get<number>(Settings.contextBudget, 8000);
  const scorer = await localModel.scorer(ready.engine);
  const attentionSort = vscode.workspace.getConfiguration().get<boolean>(Settings.attentionSorting, false);
  const pack = scorer
    ? await ready.engine.buildScored(question, { budget, attentionSort }, scorer)
    : ready.engine.build(question, { budget });
  const counter = ready.engine.counter(pack.encoding);
  const prompt = buildPrompt(question, pack, [], 0, counter);
  panel.show(
    inspectorModel(pack, prompt, {
      dryRun: true,
      linesOf: (f) => ready.engine.retrievalIndex?.lines.get(f),
      count: (t) => counter.count(t),
    }),
  );
}
