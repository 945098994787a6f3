/** Why nothing is sent from an untrusted workspace: one line, the same in the chat, @threadline and the tools. */
export const UNTRUSTED_MESSAGE =
  "This workspace is in Restricted Mode: Threadline indexes it but sends no code to a model until you trust it.";
