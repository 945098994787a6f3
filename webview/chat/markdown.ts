import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import go from "highlight.js/lib/languages/go";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import php from "highlight.js/lib/languages/php";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import typescript from "highlight.js/lib/languages/typescript";
import MarkdownIt from "markdown-it";

const languages = { bash, cpp, csharp, go, java, javascript, json, php, python, ruby, rust, typescript };
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);

// Model output is untrusted: no raw HTML, and whatever markdown-it produces is sanitized again.
const md = new MarkdownIt({
  html: false,
  linkify: true,
  highlight(code, lang) {
    if (lang && hljs.getLanguage(lang)) return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    return "";
  },
});

export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(md.render(text), {
    FORBID_TAGS: ["style", "img", "form", "input", "iframe"],
    FORBID_ATTR: ["style"],
  });
}

/** Marks a citation in the source text so it survives rendering: private-use characters, never typed by models. */
export const citationMark = (i: number) => `\uE000${i}\uE001`;
export const CITATION_MARK = /\uE000(\d+)\uE001/g;
