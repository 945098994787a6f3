import * as vscode from "vscode";
import { ask, type AnswerRecord } from "../core/chat/ask";
import type { Turn } from "../core/chat/prompt";
import { summarize, toTurnDto } from "../core/chat/turn-dto";
import type { ContextPackage, EditorFocus } from "../core/context/types";
import {
  ENDPOINT_PRESETS,
  type ChatStateDto,
  type Envelope,
  type HostToWebview,
  type TurnDto,
} from "../protocol/messages";
import { Settings, StorageKeys } from "./ids";
import type { LocalModelService } from "./local-model-service";
import type { IndexService } from "./index-service";

interface Stored {
  turns: TurnDto[];
  history: Turn[];
}

const MAX_STORED_TURNS = 50;

/**
 * The conversation on the host side: runs questions through the core, streams
 * to the webview, keeps the conversation per workspace, and opens citations.
 * Records stay in memory for the inspector; only DTOs and history are persisted.
 */
export class ChatController implements vscode.Disposable {
  private turns: TurnDto[];
  private history: Turn[];
  private readonly records = new Map<string, AnswerRecord>();
  private abort: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly indexService: IndexService,
    private readonly localModel: LocalModelService,
    private readonly post: (msg: Envelope<HostToWebview>) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const stored = context.workspaceState.get<Stored>(StorageKeys.conversation);
    this.turns = (stored?.turns ?? []).map((t) => ({ ...t, pending: false }));
    this.history = stored?.history ?? [];
    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.sendState()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("threadline.chat")) void this.sendState();
      }),
    );
  }

  get busy(): boolean {
    return this.abort !== undefined;
  }

  record(turnId: string): AnswerRecord | undefined {
    return this.records.get(turnId);
  }

  lastTurnId(): string | undefined {
    return this.turns.at(-1)?.id;
  }

  async sendState(): Promise<void> {
    this.post({ type: "chat/state", payload: await this.state() });
  }

  private async state(): Promise<ChatStateDto> {
    const config = vscode.workspace.getConfiguration();
    const baseUrl = config.get<string>(Settings.baseUrl, "");
    const model = config.get<string>(Settings.model, "");
    const hasKey = !!(baseUrl && (await this.context.secrets.get(StorageKeys.apiKey(baseUrl))));
    const state: ChatStateDto = {
      turns: this.turns,
      busy: this.busy,
      endpoint: { baseUrl, model, hasKey },
      presets: [...ENDPOINT_PRESETS],
    };
    const blocked = this.blockedReason(baseUrl, model);
    if (blocked) state.blocked = blocked;
    return state;
  }

  private blockedReason(baseUrl: string, model: string): string | undefined {
    if (!vscode.workspace.isTrusted) {
      return "This workspace is not trusted. Threadline sends code to a model only in trusted workspaces.";
    }
    if (!baseUrl) return "Choose a model endpoint to start.";
    if (!model) return `Set threadline.chat.model to the model to use at ${baseUrl}.`;
    return undefined;
  }

  /** Asks a question, or sends a ready-made context package (Explain Across Files). */
  async ask(question: string, pack?: ContextPackage): Promise<void> {
    if (this.busy || !question.trim()) return;
    const config = vscode.workspace.getConfiguration();
    const baseUrl = config.get<string>(Settings.baseUrl, "");
    const model = config.get<string>(Settings.model, "");
    const blocked = this.blockedReason(baseUrl, model);
    const id = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const turn: TurnDto = { id, question, answer: "", citations: [], notices: [], pending: true };
    this.turns.push(turn);
    this.post({ type: "chat/turnStarted", payload: { turn } });
    if (blocked) {
      this.finish({ ...turn, pending: false, error: { code: "blocked", message: blocked } });
      return;
    }
    const abort = new AbortController();
    this.abort = abort;
    try {
      const ready = await this.indexService.whenReady();
      if (!ready) {
        this.finish({
          ...turn,
          pending: false,
          error: { code: "no_workspace", message: "Open a folder to ask about its code." },
        });
        return;
      }
      const record = await ask(
        ready.engine,
        {
          baseUrl,
          model,
          apiKey: await this.context.secrets.get(StorageKeys.apiKey(baseUrl)),
          maxOutputTokens: config.get<number>(Settings.maxOutputTokens, 1024),
          timeoutMs: config.get<number>(Settings.timeoutSeconds, 120) * 1000,
          maxRetries: 3,
        },
        {
          question,
          history: this.history,
          budget: config.get<number>(Settings.contextBudget, 8000),
          editor: this.editorFocus(ready.index),
          pack,
          scorer: pack ? undefined : await this.localModel.scorer(ready.engine),
        },
        (e) => {
          if (e.type === "delta") this.post({ type: "chat/delta", payload: { turnId: id, text: e.text } });
          else if (e.type === "notice") this.post({ type: "chat/notice", payload: { turnId: id, message: e.message } });
          else this.post({ type: "chat/context", payload: { turnId: id, context: summarize(e.pack) } });
        },
        abort.signal,
      );
      this.records.set(id, record);
      if (record.error) this.log.warn(`answer failed: ${record.error.code}: ${record.error.message}`);
      if (!record.error || record.error.code === "cancelled") {
        this.history.push({ question, answer: record.answer, citations: record.citations });
      }
      this.finish(toTurnDto(id, record, (f) => ready.engine.retrievalIndex?.lines.get(f)));
    } catch (e) {
      this.log.error(`ask failed: ${String(e)}`);
      this.finish({ ...turn, pending: false, error: { code: "internal", message: `Threadline failed: ${String(e)}` } });
    } finally {
      this.abort = undefined;
    }
  }

  private finish(turn: TurnDto): void {
    const i = this.turns.findIndex((t) => t.id === turn.id);
    if (i >= 0) this.turns[i] = turn;
    this.post({ type: "chat/done", payload: { turn } });
    void this.persist();
  }

  stop(): void {
    this.abort?.abort();
  }

  newChat(): void {
    this.stop();
    this.turns = [];
    this.history = [];
    this.records.clear();
    void this.persist();
    void this.sendState();
  }

  async openCitation(turnId: string, index: number): Promise<void> {
    const c = this.turns.find((t) => t.id === turnId)?.citations[index];
    if (!c?.valid || !c.file || c.start === undefined) return;
    const ready = await this.indexService.whenReady();
    const abs = ready?.index.toAbsolutePath(c.file);
    if (!abs) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(abs));
    const end = Math.min((c.end ?? c.start) - 1, doc.lineCount - 1);
    const range = new vscode.Range(c.start - 1, 0, end, doc.lineAt(end).text.length);
    await vscode.window.showTextDocument(doc, { selection: range, preview: true });
  }

  async applyPreset(id: string): Promise<void> {
    const preset = ENDPOINT_PRESETS.find((p) => p.id === id);
    if (!preset) return;
    await vscode.workspace
      .getConfiguration()
      .update(Settings.baseUrl, preset.baseUrl, vscode.ConfigurationTarget.Global);
    if (preset.needsKey && !(await this.context.secrets.get(StorageKeys.apiKey(preset.baseUrl))))
      await this.setApiKey();
    if (!vscode.workspace.getConfiguration().get<string>(Settings.model)) {
      const model = await vscode.window.showInputBox({
        title: `Threadline: model to use with ${preset.label}`,
        prompt: "The model name as the endpoint knows it (for example gpt-4o-mini, llama3.1, qwen2.5-coder).",
        ignoreFocusOut: true,
      });
      if (model)
        await vscode.workspace
          .getConfiguration()
          .update(Settings.model, model.trim(), vscode.ConfigurationTarget.Global);
    }
    await this.sendState();
  }

  /** Stores the key for the current endpoint in SecretStorage; it never goes to settings or logs. */
  async setApiKey(): Promise<void> {
    const baseUrl = vscode.workspace.getConfiguration().get<string>(Settings.baseUrl, "");
    if (!baseUrl) {
      void vscode.window.showWarningMessage("Threadline: choose an endpoint (threadline.chat.baseUrl) first.");
      return;
    }
    const key = await vscode.window.showInputBox({
      title: `Threadline: API key for ${baseUrl}`,
      prompt: "Stored in VS Code's secret storage. Leave empty to remove the stored key.",
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return;
    if (key.trim()) await this.context.secrets.store(StorageKeys.apiKey(baseUrl), key.trim());
    else await this.context.secrets.delete(StorageKeys.apiKey(baseUrl));
    await this.sendState();
  }

  private editorFocus(index: { toWorkspacePath(abs: string): string | undefined }): EditorFocus {
    const focus: EditorFocus = {};
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.uri.scheme === "file") {
      const file = index.toWorkspacePath(editor.document.uri.fsPath);
      if (file) {
        focus.activeFile = file;
        if (!editor.selection.isEmpty) {
          focus.selection = { file, start: editor.selection.start.line + 1, end: editor.selection.end.line + 1 };
        }
      }
    }
    focus.openFiles = vscode.window.visibleTextEditors
      .map((e) => (e.document.uri.scheme === "file" ? index.toWorkspacePath(e.document.uri.fsPath) : undefined))
      .filter((f): f is string => !!f);
    return focus;
  }

  private async persist(): Promise<void> {
    const stored: Stored = {
      turns: this.turns.slice(-MAX_STORED_TURNS),
      history: this.history.slice(-MAX_STORED_TURNS),
    };
    await this.context.workspaceState.update(StorageKeys.conversation, stored);
  }

  dispose(): void {
    this.stop();
    for (const d of this.disposables) d.dispose();
  }
}
