/**
 * Small helpers of the editor's panels: elements, labelled fields, localised texts.
 * Every text of a tour goes into the page with textContent (rich text: see rich-text.js).
 * @module editor/dom
 */
import { el, uniqueId } from "../player/dom.js";

export { el, uniqueId };

/** The languages of a tour's texts in the order the editor shows them: Mongolian first. */
export function textLanguages(doc) {
  const langs = (doc && doc.languages) || ["mn", "en"];
  return langs.slice().sort((a, b) => (a === "mn" ? -1 : b === "mn" ? 1 : a === "en" ? -1 : b === "en" ? 1 : 0));
}

/** A text of a tour in a language, else in any language, else "". */
export function localText(map, lang) {
  if (!map) return "";
  return map[lang] || map.mn || map.en || Object.values(map)[0] || "";
}

/**
 * A labelled input: `<div class="tbe-field"><label for>…</label><input id></div>`.
 * @param {string} labelText
 * @param {HTMLElement} control An input, select or textarea.
 * @param {{lang?: string, hint?: string}} [options]
 */
export function field(labelText, control, options) {
  const id = control.id || uniqueId("field");
  control.id = id;
  const label = el("label", { for: id, text: labelText });
  const children = [label, control];
  if (options && options.hint) {
    const hint = el("p", { class: "tbe-hint", id: `${id}-hint`, text: options.hint });
    control.setAttribute("aria-describedby", hint.id);
    children.push(hint);
  }
  return el("div", { class: "tbe-field" }, children);
}

/** A button with a visible text (and an optional class). */
export function button(text, onClick, className, attrs) {
  const b = el("button", Object.assign({ type: "button", class: `tbe-button ${className || ""}`.trim(), text }, attrs || {}));
  if (onClick) b.addEventListener("click", onClick);
  return b;
}

/** Remove every child. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/**
 * Open a modal `<dialog>` with a heading, content and buttons; resolves with the value of the
 * button chosen (or null when closed with Escape). The dialog is removed afterwards.
 * @param {{title: string, content: Node[], buttons: Array<{text: string, value: string, primary?: boolean}>, className?: string}} spec
 * @returns {Promise<string|null>}
 */
export function openDialog(spec) {
  return new Promise((resolve) => {
    const titleId = uniqueId("dialog-title");
    const dialog = el("dialog", { class: `tbe-dialog ${spec.className || ""}`.trim(), "aria-labelledby": titleId });
    const actions = el("div", { class: "tbe-dialog__actions" });
    let value = null;
    for (const b of spec.buttons) {
      actions.appendChild(button(b.text, () => {
        value = b.value;
        dialog.close();
      }, b.primary ? "tbe-button--primary" : "", { "data-value": b.value }));
    }
    dialog.appendChild(el("h2", { id: titleId, text: spec.title }));
    dialog.appendChild(el("div", { class: "tbe-dialog__body" }, spec.content));
    dialog.appendChild(actions);
    const returnFocus = document.activeElement;
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (returnFocus && typeof returnFocus.focus === "function" && document.contains(returnFocus)) returnFocus.focus();
      resolve(value);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}
