/** Every command, view and setting ID, named once. A test checks them against package.json. */
export const Commands = {
  rebuildIndex: "threadline.rebuildIndex",
  showIndexDetails: "threadline.showIndexDetails",
} as const;

export const Views = {
  container: "threadline",
  chat: "threadline.chatView",
} as const;

export const Settings = {
  maxFileSize: "threadline.index.maxFileSize",
  exclude: "threadline.index.exclude",
} as const;
