import { startTestServer } from "./test/helpers/openai-server";
import { WORKER_PROMPT, MANAGER_PROMPT } from "./src/core/chat/chain";
(async () => {
  const s = await startTestServer("ok", (_q, messages) => {
    const sys = messages[0]!.content;
    const user = messages[1]?.content ?? "";
    if (sys === WORKER_PROMPT) {
      const ids = [...user.matchAll(/^\[(S\d+)\] (\S+)/gm)].slice(0, 2).map((m) => `${m[2]} [${m[1]}]`);
      const prev = /Notes from the previous worker:\n([\s\S]*)\n\nQuestion: /.exec(user)![1]!;
      return { behaviour: "ok", answer: `${prev.startsWith("(none") ? "" : prev + "\n"}- ${ids.join("; ")}` };
    }
    if (sys === MANAGER_PROMPT) return { behaviour: "ok", answer: "Answer from notes:\n" + /\):\n([\s\S]*)\n\nQuestion: /.exec(user)![1] };
    return { behaviour: "ok", answer: "Hooks run in order [S1]." };
  });
  console.log(s.baseUrl);
  setInterval(() => undefined, 1e6);
})();
