import * as vscode from "vscode";
import { git } from "../core/history/git";

/** The scheme of a cited commit's read-only document: `git show` of it, in the first folder's repository. */
export const COMMIT_SCHEME = "threadline-commit";

/**
 * Shows a commit cited from the context's "Recent history" as a read-only
 * diff document. The commit id comes from the package that was sent (a
 * validated citation), never from model text, and `git show` runs with
 * external diff and textconv off.
 */
export class CommitDocuments implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const commit = uri.query;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || !/^[0-9a-f]{7,64}$/.test(commit)) return "Threadline: no such commit.";
    try {
      return await git({ workTree: folder.uri.fsPath }, [
        "show",
        "--stat",
        "--patch",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        commit,
      ]);
    } catch (e) {
      return `Threadline: could not show commit ${commit}: ${(e as Error).message}`;
    }
  }

  static async open(commit: { id: string; subject: string }): Promise<void> {
    const title = `${commit.id.slice(0, 7)} ${commit.subject}`.replace(/[/\\?#%]/g, " ").slice(0, 80);
    const uri = vscode.Uri.from({ scheme: COMMIT_SCHEME, path: `/${title}.diff`, query: commit.id });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}
