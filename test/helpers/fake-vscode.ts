import Module from "node:module";

/**
 * The few pieces of the `vscode` API that the chat participant touches, as
 * plain classes, installed as the `vscode` module so the real handler can run
 * under node's test runner. Only what the handler uses; nothing is stubbed to
 * succeed silently.
 */
export class Uri {
  readonly scheme = "file";
  private constructor(readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri(p);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri([base.fsPath, ...parts].join("/"));
  }
}
export class Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
}
export class Location {
  constructor(
    readonly uri: Uri,
    readonly range: Range,
  ) {}
}
export class LanguageModelChatMessage {
  private constructor(
    readonly role: "user" | "assistant",
    readonly content: string,
  ) {}
  static User(content: string): LanguageModelChatMessage {
    return new LanguageModelChatMessage("user", content);
  }
  static Assistant(content: string): LanguageModelChatMessage {
    return new LanguageModelChatMessage("assistant", content);
  }
}
export class LanguageModelError extends Error {}
export class ChatRequestTurn {
  constructor(readonly prompt: string) {}
}
export class ChatResponseMarkdownPart {
  constructor(readonly value: { value: string }) {}
}
export class ChatResponseTurn {
  constructor(readonly response: ChatResponseMarkdownPart[]) {}
}
export class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...items: { dispose(): void }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

/** A file watcher whose events the test fires. */
export class FakeWatcher {
  readonly listeners = {
    create: [] as ((u: Uri) => void)[],
    change: [] as ((u: Uri) => void)[],
    delete: [] as ((u: Uri) => void)[],
  };
  onDidCreate = (f: (u: Uri) => void) => this.listen("create", f);
  onDidChange = (f: (u: Uri) => void) => this.listen("change", f);
  onDidDelete = (f: (u: Uri) => void) => this.listen("delete", f);
  fire(kind: "create" | "change" | "delete", uri: Uri): void {
    for (const f of this.listeners[kind]) f(uri);
  }
  dispose(): void {}
  private listen(kind: "create" | "change" | "delete", f: (u: Uri) => void) {
    this.listeners[kind].push(f);
    return new Disposable(() => this.listeners[kind].splice(this.listeners[kind].indexOf(f), 1));
  }
}

const none = () => new Disposable(() => undefined);

export const state = {
  trusted: true,
  watchers: [] as FakeWatcher[],
  workspaceFolders: undefined as undefined | { name: string; uri: Uri }[],
  messages: [] as string[],
  handler: undefined as undefined | ((...args: unknown[]) => Promise<unknown>),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  config: new Map<string, unknown>(),
};

export const fakeVscode = {
  Uri,
  Range,
  Location,
  LanguageModelChatMessage,
  LanguageModelError,
  ChatRequestTurn,
  ChatResponseTurn,
  ChatResponseMarkdownPart,
  Disposable,
  workspace: {
    get isTrusted() {
      return state.trusted;
    },
    getConfiguration: () => ({ get: <T>(key: string, fallback: T): T => (state.config.get(key) as T) ?? fallback }),
    get workspaceFolders() {
      return state.workspaceFolders;
    },
    createFileSystemWatcher: () => {
      const w = new FakeWatcher();
      state.watchers.push(w);
      return w;
    },
    onDidChangeWorkspaceFolders: none,
    onDidChangeConfiguration: none,
    onDidGrantWorkspaceTrust: none,
  },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { Notification: 15, Window: 10 },
  window: {
    activeTextEditor: undefined,
    createStatusBarItem: () => ({
      text: "",
      tooltip: "",
      show: () => undefined,
      hide: () => undefined,
      dispose: () => undefined,
    }),
    withProgress: <T>(_options: unknown, task: (progress: unknown, token: unknown) => Promise<T>) =>
      task({ report: () => undefined }, { onCancellationRequested: none }),
    showInformationMessage: async (m: string) => {
      state.messages.push(m);
      return undefined;
    },
  },
  chat: {
    createChatParticipant: (_id: string, handler: (...args: unknown[]) => Promise<unknown>) => {
      state.handler = handler;
      return { dispose: () => undefined, iconPath: undefined };
    },
  },
  commands: {
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
      state.commands.set(id, fn);
      return { dispose: () => state.commands.delete(id) };
    },
  },
};

// Importing this module makes `require("vscode")` return the fake for every module loaded after it.
{
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    if (request === "vscode") return fakeVscode;
    return original.call(this, request, ...rest);
  };
}
