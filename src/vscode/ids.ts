/** Every command, view and setting ID, named once. A test checks them against package.json. */
export const Commands = {
  rebuildIndex: "threadline.rebuildIndex",
  showIndexDetails: "threadline.showIndexDetails",
  newChat: "threadline.newChat",
  setApiKey: "threadline.setApiKey",
  stopAnswer: "threadline.stopAnswer",
  showContext: "threadline.showContext",
  previewContext: "threadline.previewContext",
  explainAcrossFiles: "threadline.explainAcrossFiles",
  deepAnswer: "threadline.deepAnswer",
  calibrateLocalModel: "threadline.calibrateLocalModel",
  showParticipantContext: "threadline.showParticipantContext",
  chooseEndpoint: "threadline.chooseEndpoint",
  chooseModel: "threadline.chooseModel",
} as const;

/** Language-model tools (`contributes.languageModelTools`) and the chat participant. */
export const LmTools = {
  context: "threadline_context",
  explain: "threadline_explain",
} as const;

export const ChatParticipants = {
  threadline: "threadline.participant",
} as const;

export const Views = {
  container: "threadline",
  chat: "threadline.chatView",
} as const;

export const Settings = {
  maxFileSize: "threadline.index.maxFileSize",
  exclude: "threadline.index.exclude",
  baseUrl: "threadline.chat.baseUrl",
  model: "threadline.chat.model",
  contextBudget: "threadline.chat.contextBudget",
  maxOutputTokens: "threadline.chat.maxOutputTokens",
  timeoutSeconds: "threadline.chat.timeoutSeconds",
  localModelPath: "threadline.localModel.path",
  localModelLayers: "threadline.localModel.layers",
  localModelHeads: "threadline.localModel.heads",
  localModelWindow: "threadline.localModel.window",
  attentionSorting: "threadline.localModel.attentionSorting",
  historyEnabled: "threadline.history.enabled",
  historyMaxCommits: "threadline.history.maxCommits",
} as const;

/** Keys in the extension's storage. */
export const StorageKeys = {
  conversation: "threadline.conversation",
  /** SecretStorage key of an endpoint's API key; one per base URL. */
  apiKey: (baseUrl: string) => `threadline.apiKey:${baseUrl}`,
} as const;
