// Test-only extension for the e2e scenarios: what an agent in VS Code sees of Threadline's language-model
// tools (vscode.lm.tools, vscode.lm.invokeTool), written to a file for the test and shown in an editor for the screenshot.
const fs = require("node:fs");
const vscode = require("vscode");

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand("threadlineProbe.invokeTools", async () => {
      const tools = vscode.lm.tools
        .filter((t) => t.name.startsWith("threadline"))
        .map((t) => ({ name: t.name, tags: t.tags, description: t.description.slice(0, 80) }));
      let text;
      try {
        const result = await vscode.lm.invokeTool("threadline_context", {
          input: { question: "How is tax applied at checkout?", budget: 2000 },
          toolInvocationToken: undefined,
        });
        text = result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : "")).join("");
      } catch (e) {
        text = `ERROR ${e && e.message}`;
      }
      const out = vscode.workspace.getConfiguration().get("threadlineProbe.out");
      if (out) fs.writeFileSync(out, JSON.stringify({ tools, text }, null, 2));
      const doc = await vscode.workspace.openTextDocument({
        language: "markdown",
        content: `# vscode.lm.tools\n${tools.map((t) => `- ${t.name}: ${t.description}…`).join("\n")}\n\n# vscode.lm.invokeTool("threadline_context")\n${text}`,
      });
      await vscode.window.showTextDocument(doc, { preview: false });
    }),
    // A setting changed in-process applies at once; settings.json written from outside is picked up only eventually.
    vscode.commands.registerCommand("threadlineProbe.smallBudget", async () => {
      const config = vscode.workspace.getConfiguration();
      const small = config.inspect("threadline.chat.contextBudget")?.globalValue === 500;
      await config.update("threadline.chat.contextBudget", small ? undefined : 500, vscode.ConfigurationTarget.Global);
      void vscode.window.setStatusBarMessage(`probe: context budget ${small ? "reset" : "500"}`, 3000);
    }),
  );
};
