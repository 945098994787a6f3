import * as vscode from "vscode";
import { COMMIT_SCHEME, CommitDocuments } from "./commit-document";
import { ChatController } from "./chat-controller";
import { registerChatParticipant } from "./chat-participant";
import { ChatViewProvider } from "./chat-view";
import { Commands, Views } from "./ids";
import { explainAcrossFiles } from "./explain-command";
import { IndexService } from "./index-service";
import { previewContext, showContextSent } from "./inspect-commands";
import { DEEP_FACTOR } from "../core/chat/chain";
import { InspectorPanel } from "./inspector-panel";
import { LocalModelService } from "./local-model-service";
import { EditorAgentTools, registerLanguageModelTools } from "./lm-tools";

/** Extension composition root: build the adapters, wire them to the core, register everything. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel("Threadline", { log: true });
  const chatView = new ChatViewProvider(context.extensionUri);
  const indexService = new IndexService(context.storageUri, log, (status) => chatView.showStatus(status));
  const localModel = new LocalModelService(context.globalStorageUri, log);
  const chat = new ChatController(context, indexService, localModel, (msg) => chatView.post(msg), log);
  chatView.attach(chat);
  const inspector = new InspectorPanel(context.extensionUri, async (f) =>
    (await indexService.whenReady())?.index.toAbsolutePath(f),
  );
  context.subscriptions.push(
    log,
    chatView,
    indexService,
    localModel,
    chat,
    inspector,
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, new CommitDocuments()),
    vscode.window.registerWebviewViewProvider(Views.chat, chatView, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    vscode.commands.registerCommand(Commands.rebuildIndex, () => indexService.rebuild(true)),
    vscode.commands.registerCommand(Commands.showIndexDetails, () => indexService.showDetails()),
    vscode.commands.registerCommand(Commands.newChat, () => chat.newChat()),
    vscode.commands.registerCommand(Commands.setApiKey, () => chat.setApiKey()),
    vscode.commands.registerCommand(Commands.chooseEndpoint, () => chat.chooseEndpoint()),
    vscode.commands.registerCommand(Commands.chooseModel, () => chat.chooseModel()),
    vscode.commands.registerCommand(Commands.stopAnswer, () => chat.stop()),
    vscode.commands.registerCommand(Commands.showContext, (turnId?: string) =>
      showContextSent(chat, indexService, inspector, turnId),
    ),
    vscode.commands.registerCommand(Commands.previewContext, () => previewContext(indexService, localModel, inspector)),
    vscode.commands.registerCommand(Commands.calibrateLocalModel, async () =>
      localModel.calibrate((await indexService.whenReady())?.engine),
    ),
    vscode.commands.registerCommand(Commands.explainAcrossFiles, () =>
      explainAcrossFiles(indexService, chat, chatView),
    ),
    vscode.commands.registerCommand(Commands.deepAnswer, async () => {
      const question = await vscode.window.showInputBox({
        title: "Threadline: Deep Answer",
        prompt: `Workers read up to ${DEEP_FACTOR}× the context budget in chunks, then one call writes the answer. The cost is shown before the first call.`,
        placeHolder: "How does … work across the codebase?",
        ignoreFocusOut: true,
      });
      if (!question?.trim()) return;
      await chatView.reveal();
      await chat.ask(question.trim(), { deep: true });
    }),
  );
  // Doors for other agents (VS Code's Chat and its agent mode), over the same index.
  context.subscriptions.push(
    ...registerLanguageModelTools(new EditorAgentTools(indexService)),
    registerChatParticipant(context, indexService, inspector),
  );
  log.info("agent doors: language-model tools threadline_context, threadline_explain; chat participant @threadline");
  void indexService.rebuild();
}

export function deactivate(): void {}
