/**
 * A small, safe editor for hotspot text: contenteditable with Bold, Italic, bulleted and
 * numbered list and Link buttons. Its output is rebuilt from the edited DOM into the subset
 * p, br, strong, em, ul, ol, li, a[href] (http:, https:, mailto: only), the same subset the
 * server keeps (tourbuilder/model/richtext.py sanitises again with nh3).
 * @module editor/rich-text
 */
import { button, el, openDialog, uniqueId, field } from "./dom.js";

const TAGS = { P: "p", DIV: "p", BR: "br", STRONG: "strong", B: "strong", EM: "em", I: "em", UL: "ul", OL: "ol", LI: "li", A: "a" };
const DROP_WITH_CONTENT = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "NOSCRIPT", "TEXTAREA", "TITLE", "SVG", "MATH"]);
const BLOCKS = new Set(["p", "ul", "ol"]);
const LINK = /^(https?|mailto):/i;

/** Whether a link target may be kept: an absolute http(s) or mailto URL. */
export function isSafeHref(href) {
  return typeof href === "string" && LINK.test(href.trim());
}

function copyClean(from, to, doc) {
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === 3) {
      to.appendChild(doc.createTextNode(node.nodeValue));
      continue;
    }
    if (node.nodeType !== 1) continue;
    const name = node.tagName.toUpperCase();
    if (DROP_WITH_CONTENT.has(name)) continue;
    const tag = TAGS[name];
    if (!tag || (tag === "a" && !isSafeHref(node.getAttribute("href")))) {
      copyClean(node, to, doc); // unknown element: keep its text
      continue;
    }
    const out = doc.createElement(tag);
    if (tag === "a") out.setAttribute("href", node.getAttribute("href").trim());
    if (tag !== "br") copyClean(node, out, doc);
    to.appendChild(out);
  }
}

/** Group top-level inline content into paragraphs, drop empty paragraphs. */
function paragraphsOf(root, doc) {
  const out = doc.createElement("div");
  let open = null;
  for (const node of Array.from(root.childNodes)) {
    const tag = node.nodeType === 1 ? node.tagName.toLowerCase() : null;
    if (tag && BLOCKS.has(tag)) {
      open = null;
      out.appendChild(node);
    } else if (tag === "li") {
      open = null;
      const list = doc.createElement("ul");
      list.appendChild(node);
      out.appendChild(list);
    } else {
      if (!open) {
        open = doc.createElement("p");
        out.appendChild(open);
      }
      open.appendChild(node);
    }
  }
  for (const p of Array.from(out.querySelectorAll("p"))) {
    while (p.lastChild && p.lastChild.nodeName === "BR") p.removeChild(p.lastChild);
    if (!p.textContent.trim() && !p.querySelector("br")) p.remove();
  }
  return out;
}

/**
 * HTML reduced to the allowed subset (parsed inertly: nothing in it runs or loads).
 * @param {string} html
 * @returns {string} "" for an empty text.
 */
export function sanitizeHtml(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html");
  const clean = parsed.createElement("div");
  copyClean(parsed.body, clean, parsed);
  const result = paragraphsOf(clean, parsed);
  return result.textContent.trim() ? result.innerHTML : "";
}

/** A stored text as HTML: older plain texts (blank line = new paragraph) become paragraphs. */
export function toHtml(text) {
  if (!text) return "";
  if (/<[a-z][^>]*>/i.test(text)) return sanitizeHtml(text);
  const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return text.split(/\r?\n\s*\r?\n/).map((part) => part.trim()).filter(Boolean)
    .map((part) => `<p>${escape(part).replace(/\r?\n/g, "<br>")}</p>`).join("");
}

/**
 * A rich text field.
 * @param {{label: string, lang: string, value: string, t: function, onChange: function(string):void, key?: string,
 *   toolsLabel?: string}} spec
 * @returns {{element: HTMLElement, setValue: function(string):void, area: HTMLElement}}
 */
export function createRichText(spec) {
  const { t } = spec;
  const labelId = uniqueId("rich-label");
  const area = el("div", {
    class: "tbe-rich__area",
    contenteditable: "true",
    role: "textbox",
    "aria-multiline": "true",
    "aria-labelledby": labelId,
    lang: spec.lang,
    "data-key": spec.key || null,
  });
  area.innerHTML = toHtml(spec.value);
  let last = sanitizeHtml(area.innerHTML);
  const changed = () => {
    const html = sanitizeHtml(area.innerHTML);
    if (html === last) return;
    last = html;
    spec.onChange(html);
  };
  const command = (name, value) => {
    area.focus();
    document.execCommand(name, false, value);
    changed();
  };
  const link = async () => {
    const selection = window.getSelection();
    const range = selection && selection.rangeCount && area.contains(selection.anchorNode) ? selection.getRangeAt(0).cloneRange() : null;
    const input = el("input", { type: "url", placeholder: "https://", class: "tbe-input", inputmode: "url" });
    const error = el("p", { class: "tbe-problem", role: "alert" });
    const choice = await openDialog({
      title: t("linkTitle"),
      content: [field(t("linkAddress"), input, { hint: t("linkHint") }), error],
      buttons: [{ text: t("cancel"), value: "cancel" }, { text: t("removeLink"), value: "remove" }, { text: t("addLink"), value: "add", primary: true }],
    });
    area.focus();
    if (range) {
      selection.removeAllRanges();
      selection.addRange(range);
    }
    if (choice === "remove") command("unlink");
    if (choice !== "add") return;
    const href = input.value.trim();
    if (!isSafeHref(href)) {
      spec.onProblem && spec.onProblem(t("linkBad"));
      return;
    }
    if (range && !range.collapsed) command("createLink", href);
    else command("insertHTML", `<a href="${href.replace(/"/g, "%22").replace(/</g, "%3C")}">${href.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</a>`);
  };
  const tools = el("div", { class: "tbe-rich__tools", role: "toolbar", "aria-label": spec.toolsLabel || t("formatting") }, [
    button("B", () => command("bold"), "tbe-button--tool tbe-tool--bold", { "aria-label": t("bold"), title: t("bold") }),
    button("I", () => command("italic"), "tbe-button--tool tbe-tool--italic", { "aria-label": t("italic"), title: t("italic") }),
    button("• ―", () => command("insertUnorderedList"), "tbe-button--tool", { "aria-label": t("bulletList"), title: t("bulletList") }),
    button("1. ―", () => command("insertOrderedList"), "tbe-button--tool", { "aria-label": t("numberList"), title: t("numberList") }),
    button("🔗", () => link(), "tbe-button--tool", { "aria-label": t("link"), title: t("link") }),
  ]);
  area.addEventListener("input", changed);
  area.addEventListener("blur", changed);
  area.addEventListener("paste", (e) => {
    // Pasted text comes in as plain text: no foreign styles or markup.
    e.preventDefault();
    const text = (e.clipboardData && e.clipboardData.getData("text/plain")) || "";
    document.execCommand("insertText", false, text);
  });
  const element = el("div", { class: "tbe-rich" }, [el("span", { class: "tbe-label", id: labelId, text: spec.label }), tools, area]);
  return {
    element,
    area,
    setValue(value) {
      area.innerHTML = toHtml(value);
      last = sanitizeHtml(area.innerHTML);
    },
  };
}
