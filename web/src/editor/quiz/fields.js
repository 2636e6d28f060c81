/**
 * Form fields of the quiz editor. Each field is a wrapper `[data-path]` named after the place
 * in the tour document it edits (e.g. `quizzes.final.questions.0.prompt`), where the panel shows
 * that place's validation problems; each control has a `data-key` so that focus and caret
 * survive a re-render. Texts in every tour language stand side by side, Mongolian first.
 *
 * Texts are committed to the document when the control changes (blur, Enter) and after a
 * pause in typing, as quiet changes (the panel does not re-render for them).
 * @module editor/quiz/fields
 */
import { el, uniqueId } from "../../player/dom.js";
import { LANGUAGE_NAMES } from "./strings.js";

/** Milliseconds of no typing after which a text is committed (so autosave gets it). */
const TYPING_PAUSE = 900;

/**
 * @typedef {Object} FieldContext
 * @property {function(string, Object=): string} t Interface strings.
 * @property {string[]} languages The tour's languages, Mongolian first.
 * @property {function(string, function(Object): void, {quiet?: boolean}=): boolean} commit
 */

/**
 * Run a commit the panel need not re-render for (the control already shows the new value; a
 * re-render in the middle of a blur would swallow the click that caused it).
 * @param {Object} ctx
 * @param {function(): void} fn
 */
export function quietly(ctx, fn) {
  if (ctx.quietly) ctx.quietly(fn);
  else fn();
}

/**
 * A field's wrapper.
 * @param {string} path Where in the document (for problems).
 * @param {string} [extraClass]
 * @param {Array<Node>} children
 * @returns {HTMLElement}
 */
export function fieldBox(path, extraClass, children) {
  return el("div", { class: `tbq-field ${extraClass || ""}`.trim(), "data-path": path }, children);
}

/** A short help line under a field, with an id to point aria-describedby at. */
export function help(text) {
  return el("p", { class: "tbq-help", id: uniqueId("tbq-help"), text });
}

/**
 * Commit a text control's value on change and after a pause in typing.
 * @param {HTMLInputElement|HTMLTextAreaElement} control
 * @param {string} initial The stored value.
 * @param {function(string): void} save
 */
function commitText(control, initial, save) {
  let stored = initial;
  let timer = 0;
  const flush = () => {
    clearTimeout(timer);
    timer = 0;
    if (control.value.trim() === stored.trim()) return;
    stored = control.value;
    save(control.value);
  };
  control.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(flush, TYPING_PAUSE);
  });
  control.addEventListener("change", flush);
  control.addEventListener("blur", flush);
}

/**
 * A text in every tour language, side by side (Mongolian first).
 * @param {FieldContext} ctx
 * @param {Object} spec
 * @param {string} spec.label What the text is ("Question").
 * @param {string} spec.path
 * @param {Object} spec.value LocalText.
 * @param {boolean} [spec.multiline]
 * @param {boolean} [spec.required] Marks the controls as required.
 * @param {boolean} [spec.hideLabel] The label is said but not shown (a heading above says it).
 * @param {function(string, string): void} spec.onCommit (language, text).
 * @returns {HTMLElement}
 */
export function localTextField(ctx, spec) {
  const labelId = uniqueId("tbq-label");
  const row = el("div", { class: "tbq-langs" });
  for (const lang of ctx.languages) {
    const id = uniqueId("tbq-text");
    const value = (spec.value && spec.value[lang]) || "";
    const control = spec.multiline
      ? el("textarea", { id, rows: "2", lang, "data-key": `${spec.path}#${lang}`, "data-lang": lang })
      : el("input", { id, type: "text", lang, "data-key": `${spec.path}#${lang}`, "data-lang": lang });
    control.value = value;
    if (spec.required) control.setAttribute("aria-required", "true");
    commitText(control, value, (text) => quietly(ctx, () => spec.onCommit(lang, text)));
    row.appendChild(
      el("div", { class: "tbq-lang" }, [
        el("label", { for: id, class: "tbq-lang__label" }, [
          el("span", { class: "tb-visually-hidden", text: `${spec.label}, ` }),
          el("span", { lang, text: LANGUAGE_NAMES[lang] || lang }),
        ]),
        control,
      ]),
    );
  }
  return fieldBox(spec.path, "tbq-field--text", [
    el("div", { class: spec.hideLabel ? "tb-visually-hidden" : "tbq-field__label", id: labelId, text: spec.label }),
    el("div", { role: "group", "aria-labelledby": labelId }, [row]),
  ]);
}

/**
 * A whole number (optionally empty).
 * @param {FieldContext} ctx
 * @param {Object} spec
 * @param {string} spec.label
 * @param {string} spec.path
 * @param {number|null|undefined} spec.value
 * @param {number} spec.min
 * @param {number} spec.max
 * @param {string} [spec.help]
 * @param {boolean} [spec.optional] Empty means "not set" (null).
 * @param {function(number|null): void} spec.onCommit
 * @returns {HTMLElement}
 */
export function numberField(ctx, spec) {
  const id = uniqueId("tbq-number");
  const note = spec.help ? help(spec.help) : null;
  const error = el("p", { class: "tbq-problem tbq-problem--local", id: uniqueId("tbq-error"), hidden: true });
  const control = el("input", {
    id, type: "number", inputmode: "numeric", min: String(spec.min), max: String(spec.max), step: "1",
    "data-key": spec.path, "aria-describedby": note ? note.id : null,
  });
  control.value = spec.value === null || spec.value === undefined ? "" : String(spec.value);
  let stored = control.value;
  control.addEventListener("change", () => {
    const text = control.value.trim();
    const number = Number(text);
    const empty = text === "";
    const valid = (empty && spec.optional) || (!empty && Number.isInteger(number) && number >= spec.min && number <= spec.max);
    // A bad number is said next to the field and never reaches the document.
    error.hidden = valid;
    error.textContent = valid ? "" : ctx.t("numberRange", { min: spec.min, max: spec.max });
    control.setAttribute("aria-invalid", valid ? "false" : "true");
    const described = [note && note.id, valid ? null : error.id].filter(Boolean).join(" ");
    if (described) control.setAttribute("aria-describedby", described);
    if (!valid || text === stored) return;
    stored = text;
    quietly(ctx, () => spec.onCommit(empty ? null : number));
  });
  return fieldBox(spec.path, "tbq-field--number", [
    el("label", { for: id, class: "tbq-field__label", text: spec.label }),
    control,
    note,
    error,
  ]);
}

/**
 * A checkbox.
 * @param {Object} spec {label, path, checked, onChange(boolean), key?}
 * @returns {HTMLElement}
 */
export function checkboxField(spec) {
  const id = uniqueId("tbq-check");
  const box = el("input", { id, type: "checkbox", "data-key": spec.key || spec.path });
  box.checked = !!spec.checked;
  box.addEventListener("change", () => spec.onChange(box.checked));
  return fieldBox(spec.path, "tbq-field--check", [box, el("label", { for: id, text: spec.label })]);
}

/**
 * A drop-down list.
 * @param {Object} spec {label, path, value, options: [{value, text}], onChange(value)}
 * @returns {HTMLElement}
 */
export function selectField(spec) {
  const id = uniqueId("tbq-select");
  const select = el("select", { id, "data-key": spec.path });
  for (const option of spec.options) {
    const node = el("option", { value: option.value, text: option.text });
    if (option.value === spec.value) node.selected = true;
    select.appendChild(node);
  }
  select.addEventListener("change", () => spec.onChange(select.value));
  return fieldBox(spec.path, "tbq-field--select", [
    el("label", { for: id, class: "tbq-field__label", text: spec.label }),
    select,
  ]);
}

/**
 * A set of checkboxes (a fieldset with a legend).
 * @param {Object} spec {legend, path, items: [{value, text}], chosen: string[], onChange(string[]), empty?}
 * @returns {HTMLElement}
 */
export function checklistField(spec) {
  const chosen = new Set(spec.chosen || []);
  const list = el("ul", { class: "tbq-checklist" });
  const boxes = [];
  for (const item of spec.items) {
    const id = uniqueId("tbq-item");
    const box = el("input", { id, type: "checkbox", value: item.value, "data-key": `${spec.path}#${item.value}` });
    box.checked = chosen.has(item.value);
    box.addEventListener("change", () => spec.onChange(boxes.filter((b) => b.checked).map((b) => b.value)));
    boxes.push(box);
    list.appendChild(el("li", {}, [box, el("label", { for: id, text: item.text })]));
  }
  return el("fieldset", { class: "tbq-field tbq-fieldset", "data-path": spec.path }, [
    el("legend", { text: spec.legend }),
    spec.items.length ? list : el("p", { class: "tbq-help", text: spec.empty || "" }),
  ]);
}

/**
 * A small button.
 * @param {string} text Visible text.
 * @param {Object} attrs More attributes (e.g. aria-label, data-key, data-action).
 * @param {function(): void} onClick
 * @returns {HTMLButtonElement}
 */
export function button(text, attrs, onClick) {
  const node = el("button", Object.assign({ type: "button", class: "tbq-button" }, attrs || {}), [text]);
  node.addEventListener("click", onClick);
  return node;
}
