import * as vscode from "vscode";
import { CommitDocuments } from "./commit-document";
import { ask, type AnswerRecord } from "../core/chat/ask";
import { deepAnswer } from "../core/chat/chain";
import type { EndpointConfig } from "../core/chat/client";
import {
  foldMemory,
  memoryOfTurns,
  readMemory,
  remember,
  storedMemory,
  type ConversationMemory,
} from "../core/chat/memory";
import type { Turn } from "../core/chat/prompt";
import { citationsOf, type EarlierContext } from "../core/citations";
import type { TokenCounter } from "../core/context/token-counter";
import { listModels } from "../core/chat/models";
import { citationDtos, errorActions, summarize, toTurnDto } from "../core/chat/turn-dto";
import type { ContextPackage, EditorFocus } from "../core/context/types";
import {
  CUSTOM_PRESET,
  ENDPOINT_PRESETS,
  type ChatStateDto,
  type Envelope,
  type HostToWebview,
  type TurnDto,
} from "../protocol/messages";
import { Settings, StorageKeys } from "./ids";
import type { LocalModelService } from "./local-model-service";
import type { IndexService } from "./index-service";
import { UNTRUSTED_MESSAGE } from "./trust";

interface Stored {
  turns: TurnDto[];
  /** The conversation's memory (summary and every turn); older versions stored plain turns as `history`. */
  memory?: unknown;
  history?: Turn[];
}

/** How a question is answered: one call (the default), or Deep Answer over candidates beyond the budget. */
export interface AskOptions {
  /** A ready-made package (Explain Across Files). */
  pack?: ContextPackage;
  deep?: boolean;
  /** Deep Answer's candidates, when the caller gathered them (Explain's call path). */
  pool?: ContextPackage;
}

const MAX_STORED_TURNS = 50;

/** A preset's name for the header, or the URL's host for a custom endpoint. */
function endpointLabel(baseUrl: string): string {
  const preset = ENDPOINT_PRESETS.find((p) => p.baseUrl === baseUrl);
  if (preset) return preset.label;
  try {
    return new URL(baseUrl).host || baseUrl;
  } catch {
    return baseUrl;
  }
}

/** A range highlight that fades out in steps (decorations cannot animate), then goes away. */
class FadingHighlight implements vscode.Disposable {
  private readonly steps = [
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor("editor.findMatchHighlightBackground"),
      overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.findMatchForeground"),
    }),
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor("editor.rangeHighlightBackground"),
    }),
  ];
  private timers: NodeJS.Timeout[] = [];

  flash(editor: vscode.TextEditor, range: vscode.Range): void {
    this.timers.forEach(clearTimeout);
    for (const e of vscode.window.visibleTextEditors) for (const d of this.steps) e.setDecorations(d, []);
    editor.setDecorations(this.steps[0]!, [range]);
    this.timers = [
      setTimeout(() => {
        editor.setDecorations(this.steps[0]!, []);
        editor.setDecorations(this.steps[1]!, [range]);
      }, 1500),
      setTimeout(() => editor.setDecorations(this.steps[1]!, []), 3000),
    ];
  }

  dispose(): void {
    this.timers.forEach(clearTimeout);
    for (const d of this.steps) d.dispose();
  }
}

/**
 * The conversation on the host side: runs questions through the core, streams
 * to the webview, keeps the conversation per workspace, and opens citations.
 * Records stay in memory for the inspector; only DTOs and history are persisted.
 */
export class ChatController implements vscode.Disposable {
  private turns: TurnDto[];
  private memory: ConversationMemory;
  /** The summary call after an answer, stopped by Stop and New Chat. */
  private folding: AbortController | undefined;
  private readonly records = new Map<string, AnswerRecord>();
  private abort: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly highlight = new FadingHighlight();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly indexService: IndexService,
    private readonly localModel: LocalModelService,
    private readonly post: (msg: Envelope<HostToWebview>) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const stored = context.workspaceState.get<Stored>(StorageKeys.conversation);
    this.turns = (stored?.turns ?? []).map((t) => ({ ...t, pending: false }));
    const read =
      stored?.memory === undefined && stored?.history
        ? { memory: memoryOfTurns(stored.history) }
        : readMemory(stored?.memory);
    this.memory = read.memory;
    if (read.problem) {
      // Never trusted: reported, and the conversation starts afresh (the visible turns stay).
      this.log.warn(`conversation memory: ${read.problem}; starting afresh`);
      void vscode.window.showWarningMessage(`Threadline: ${read.problem}. The conversation memory was started afresh.`);
    }
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
      endpoint: { baseUrl, label: endpointLabel(baseUrl), model, hasKey },
      presets: [...ENDPOINT_PRESETS, CUSTOM_PRESET],
    };
    const blocked = this.blocked(baseUrl, model);
    if (blocked) state.blocked = blocked.message;
    if (!vscode.workspace.isTrusted) state.untrusted = true;
    return state;
  }

  /** Why the chat cannot be used now, as a code (which picks the buttons) and a message; undefined when it can. */
  private blocked(baseUrl: string, model: string): { code: string; message: string } | undefined {
    if (!vscode.workspace.isTrusted) return { code: "blocked_untrusted", message: UNTRUSTED_MESSAGE };
    if (!baseUrl) return { code: "blocked", message: "Choose a model endpoint to start." };
    if (!model) return { code: "blocked", message: `Set threadline.chat.model to the model to use at ${baseUrl}.` };
    return undefined;
  }

  /** Asks a question, sends a ready-made context package (Explain Across Files), or runs a Deep Answer. */
  async ask(question: string, options: AskOptions = {}): Promise<void> {
    if (this.busy || !question.trim()) return;
    const { pack } = options;
    const config = vscode.workspace.getConfiguration();
    const baseUrl = config.get<string>(Settings.baseUrl, "");
    const model = config.get<string>(Settings.model, "");
    const blocked = this.blocked(baseUrl, model);
    const id = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const turn: TurnDto = { id, question, answer: "", citations: [], notices: [], pending: true };
    this.folding?.abort();
    this.turns.push(turn);
    this.post({ type: "chat/turnStarted", payload: { turn } });
    if (blocked) {
      this.finish({ ...turn, pending: false, error: { ...blocked, actions: errorActions(blocked.code) } });
      return;
    }
    const abort = new AbortController();
    this.abort = abort;
    try {
      const ready = await this.indexService.readyOrPartial();
      if (!ready) {
        this.finish({
          ...turn,
          pending: false,
          error: { code: "no_workspace", message: "Open a folder to ask about its code." },
        });
        return;
      }
      // A question during the first build is answered from what is indexed so far, and says so.
      const indexing = ready.indexing
        ? `Still indexing (${ready.indexing.done}${ready.indexing.total ? ` of ${ready.indexing.total}` : ""} files): this answer uses only what is indexed so far.`
        : undefined;
      if (indexing) this.post({ type: "chat/notice", payload: { turnId: id, message: indexing } });
      const endpoint: EndpointConfig = {
        baseUrl,
        model,
        apiKey: await this.context.secrets.get(StorageKeys.apiKey(baseUrl)),
        maxOutputTokens: config.get<number>(Settings.maxOutputTokens, 1024),
        timeoutMs: config.get<number>(Settings.timeoutSeconds, 120) * 1000,
        maxRetries: 3,
      };
      const budget = config.get<number>(Settings.contextBudget, 8000);
      const linesOf = (f: string) => ready.engine.retrievalIndex?.lines.get(f);
      let sent: ContextPackage | undefined;
      let earlier: EarlierContext[] = [];
      let seenBy: Record<string, number> | undefined;
      let streamed = "";
      const onDelta = (text: string) => {
        // The package is known before the first token: check the citations as the answer streams.
        streamed += text;
        const citations = sent
          ? citationDtos(citationsOf(streamed, sent, earlier), sent, linesOf, seenBy ? { seenBy } : undefined)
          : undefined;
        if (citations) turn.citations = citations;
        turn.answer = streamed;
        this.post({ type: "chat/delta", payload: { turnId: id, text, citations } });
      };
      const onNotice = (message: string) => this.post({ type: "chat/notice", payload: { turnId: id, message } });
      const record: AnswerRecord = options.deep
        ? await deepAnswer(
            ready.engine,
            endpoint,
            { question, budget, editor: this.editorFocus(ready.index), pool: options.pool },
            (e) => {
              if (e.type === "plan") {
                sent = e.pack;
                seenBy = e.seenBy;
                const { chunks, calls } = e.estimate;
                this.post({
                  type: "chat/context",
                  payload: { turnId: id, context: { ...summarize(e.pack), deep: { chunks, calls } } },
                });
              } else if (e.type === "progress") {
                this.post({
                  type: "chat/progress",
                  payload: { turnId: id, message: `Reading chunk ${e.chunk} of ${e.of}…` },
                });
              } else if (e.type === "delta") onDelta(e.text);
              else if (e.type === "unit") return;
              else onNotice(e.message);
            },
            abort.signal,
          )
        : await ask(
            ready.engine,
            endpoint,
            {
              question,
              history: this.memory,
              budget,
              editor: this.editorFocus(ready.index),
              pack,
              scorer: pack ? undefined : await this.localModel.scorer(ready.engine),
              attentionSort: config.get<boolean>(Settings.attentionSorting, false),
            },
            (e) => {
              if (e.type === "delta") onDelta(e.text);
              else if (e.type === "notice") onNotice(e.message);
              else {
                sent = e.pack;
                earlier = e.prompt.memory.cited;
                streamed = "";
                this.post({
                  type: "chat/context",
                  payload: { turnId: id, context: summarize(e.pack, { prompt: e.prompt }) },
                });
              }
            },
            abort.signal,
          );
      if (indexing) record.notices.unshift(indexing);
      this.records.set(id, record);
      if (record.error) this.log.warn(`answer failed: ${record.error.code}: ${record.error.message}`);
      if (!record.error || record.error.code === "cancelled") this.memory = remember(this.memory, record);
      this.finish(toTurnDto(id, record, linesOf));
      if (!record.error) void this.fold(id, endpoint, budget, ready.engine.counter());
    } catch (e) {
      this.log.error(`ask failed: ${String(e)}`);
      this.finish({
        ...turn,
        pending: false,
        error: { code: "internal", message: `Threadline failed: ${String(e)}`, actions: errorActions("internal") },
      });
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

  /**
   * Compact memory: after the answer has streamed, fold the oldest turns into the running summary
   * (one call). Stop, New Chat or the next question cancel it; memory is a value, so a cancelled
   * or failed fold loses nothing, and a fold that finishes after the conversation moved on is
   * applied only to the turns it read.
   */
  private async fold(turnId: string, endpoint: EndpointConfig, budget: number, counter: TokenCounter): Promise<void> {
    const abort = new AbortController();
    this.folding = abort;
    const before = this.memory;
    const result = await foldMemory(before, endpoint, budget, counter, abort.signal);
    if (this.folding === abort) this.folding = undefined;
    if (result.kind === "failed") {
      if (result.error.code !== "cancelled") this.log.warn(`conversation summary not updated: ${result.error.message}`);
      return;
    }
    if (result.kind !== "folded" || !this.memory.episodes.includes(before.episodes.at(-1)!)) return;
    this.memory = { ...this.memory, summary: result.memory.summary };
    const first = result.turns[0]!;
    const last = result.turns.at(-1)!;
    const message = `Turns ${first}-${last} were folded into the conversation's summary; each still comes back whole when a question is about it.`;
    const turn = this.turns.find((t) => t.id === turnId);
    if (turn) turn.notices = [...turn.notices, message];
    this.post({ type: "chat/notice", payload: { turnId, message } });
    void this.persist();
  }

  stop(): void {
    this.abort?.abort();
    this.folding?.abort();
  }

  newChat(): void {
    this.stop();
    this.turns = [];
    this.memory = { version: 1, episodes: [] };
    this.records.clear();
    void this.persist();
    void this.sendState();
  }

  /**
   * Opens a cited range: revealed in the middle of the editor with a highlight that fades, and the
   * cursor at its first line. Nothing is selected, so a keystroke cannot replace the cited code.
   */
  async openCitation(turnId: string, index: number): Promise<void> {
    const c = this.turns.find((t) => t.id === turnId)?.citations[index];
    if (c?.valid && c.commit) return CommitDocuments.open(c.commit);
    if (!c?.valid || !c.file || c.start === undefined) return;
    const ready = await this.indexService.whenReady();
    const abs = ready?.index.toAbsolutePath(c.file);
    if (!abs) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(abs));
    const start = Math.min(c.start - 1, doc.lineCount - 1);
    const end = Math.min((c.end ?? c.start) - 1, doc.lineCount - 1);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    const editor = await vscode.window.showTextDocument(doc, {
      selection: new vscode.Range(start, 0, start, 0),
      preview: true,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.highlight.flash(editor, range);
  }

  async retry(turnId: string): Promise<void> {
    const turn = this.turns.find((t) => t.id === turnId);
    if (turn) await this.ask(turn.question, { deep: !!turn.context?.deep });
  }

  /** The endpoint picker: the presets, then any URL. */
  async chooseEndpoint(): Promise<void> {
    const current = vscode.workspace.getConfiguration().get<string>(Settings.baseUrl, "");
    const items = [
      ...ENDPOINT_PRESETS.map((p) => ({
        label: p.label,
        description: p.baseUrl,
        id: p.id,
        picked: p.baseUrl === current,
      })),
      {
        label: CUSTOM_PRESET.label,
        description: "any OpenAI-compatible endpoint",
        id: CUSTOM_PRESET.id,
        picked: false,
      },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: "Threadline: choose an endpoint",
      placeHolder: current ? `now: ${current}` : "Where Threadline sends questions",
    });
    if (picked) await this.applyPreset(picked.id);
  }

  async applyPreset(id: string): Promise<void> {
    const config = vscode.workspace.getConfiguration();
    let baseUrl: string | undefined;
    let needsKey = false;
    if (id === CUSTOM_PRESET.id) {
      baseUrl = (
        await vscode.window.showInputBox({
          title: "Threadline: endpoint URL",
          prompt: "The base URL of an OpenAI-compatible API, usually ending in /v1.",
          value: config.get<string>(Settings.baseUrl, "") || "http://localhost:8000/v1",
          ignoreFocusOut: true,
          validateInput: (v) =>
            /^https?:\/\/[^\s/]+/.test(v.trim()) ? undefined : "Enter an http:// or https:// URL.",
        })
      )?.trim();
    } else {
      const preset = ENDPOINT_PRESETS.find((p) => p.id === id);
      baseUrl = preset?.baseUrl;
      needsKey = !!preset?.needsKey;
    }
    if (!baseUrl) return;
    await config.update(Settings.baseUrl, baseUrl, vscode.ConfigurationTarget.Global);
    if (needsKey && !(await this.context.secrets.get(StorageKeys.apiKey(baseUrl)))) await this.setApiKey();
    await this.chooseModel();
    await this.sendState();
  }

  /** The model picker: what the endpoint lists at GET /models, or a name typed in when it lists nothing. */
  async chooseModel(): Promise<void> {
    const config = vscode.workspace.getConfiguration();
    const baseUrl = config.get<string>(Settings.baseUrl, "");
    if (!baseUrl) return this.chooseEndpoint();
    const current = config.get<string>(Settings.model, "");
    const listed = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Threadline: listing models at ${baseUrl}` },
      async () =>
        listModels({ baseUrl, apiKey: await this.context.secrets.get(StorageKeys.apiKey(baseUrl)), timeoutMs: 10_000 }),
    );
    let model: string | undefined;
    const typeIt = "$(edit) Enter a model name…";
    if (listed.ok && listed.value.length > 0) {
      const picked = await vscode.window.showQuickPick(
        [
          ...listed.value.map((m) => ({ label: m, description: m === current ? "current" : undefined })),
          { label: typeIt },
        ],
        { title: `Threadline: model at ${endpointLabel(baseUrl)}`, placeHolder: "Pick a model" },
      );
      if (!picked) return;
      model = picked.label === typeIt ? undefined : picked.label;
    }
    if (!model) {
      const why = listed.ok ? "The endpoint lists no models." : `Could not list the models: ${listed.error.message}`;
      model = (
        await vscode.window.showInputBox({
          title: `Threadline: model at ${endpointLabel(baseUrl)}`,
          prompt: `${listed.ok && listed.value.length > 0 ? "" : `${why} `}The model name as the endpoint knows it (for example gpt-4o-mini, llama3.1, qwen2.5-coder).`,
          value: current,
          ignoreFocusOut: true,
        })
      )?.trim();
    }
    if (model) await config.update(Settings.model, model, vscode.ConfigurationTarget.Global);
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

  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage("$(check) Threadline: copied", 2000);
  }

  /** Inserts a code block at the cursor of the last editor used, replacing its selection; undo takes it back. */
  async insertAtCursor(text: string): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor) {
      void vscode.window.showInformationMessage(
        "Threadline: open a file and place the cursor where the code should go.",
      );
      return;
    }
    await editor.edit((edit) => edit.replace(editor.selection, text));
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
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
    const stored: Stored = { turns: this.turns.slice(-MAX_STORED_TURNS), memory: storedMemory(this.memory) };
    await this.context.workspaceState.update(StorageKeys.conversation, stored);
  }

  dispose(): void {
    this.stop();
    this.highlight.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
