/**
 * The quiz editor's dialogs (modal `<dialog>`, named by their heading): a quiz's titles and id
 * (to add or rename one, with the id checked before it is taken), and "delete this quiz?".
 * @module editor/quiz/dialogs
 */
import { el, uniqueId } from "../../player/dom.js";
import { ID_PATTERN, freshId, slug } from "./model.js";
import { LANGUAGE_NAMES } from "./strings.js";

/**
 * Open a modal dialog; resolves with what `onSubmit` returned (null when cancelled).
 * @param {Object} spec
 * @param {string} spec.title
 * @param {Node[]} spec.content
 * @param {string} spec.submit The main button's text.
 * @param {string} spec.cancel
 * @param {string} spec.name `data-dialog` value (for tests and styles).
 * @param {function(): (Object|null)} spec.onSubmit Returns the result, or null to stay open.
 * @returns {Promise<Object|null>}
 */
function openDialog(spec) {
  return new Promise((resolve) => {
    const titleId = uniqueId("tbq-dialog");
    const form = el("form", { method: "dialog", class: "tbq-dialog__form", novalidate: true });
    const dialog = el("dialog", { class: "tbq-dialog", "aria-labelledby": titleId, "data-dialog": spec.name }, [form]);
    const submit = el("button", { type: "submit", class: "tbq-button tbq-button--primary", text: spec.submit });
    const cancel = el("button", { type: "button", class: "tbq-button", text: spec.cancel });
    form.append(
      el("h2", { id: titleId, text: spec.title }),
      ...spec.content,
      el("div", { class: "tbq-dialog__actions" }, [cancel, submit]),
    );
    let result = null;
    const returnFocus = document.activeElement;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const value = spec.onSubmit();
      if (value === null) return;
      result = value;
      dialog.close();
    });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (returnFocus && document.contains(returnFocus) && typeof returnFocus.focus === "function") returnFocus.focus();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

/**
 * Ask for a quiz's titles (every tour language, Mongolian first) and id.
 * @param {Object} spec
 * @param {function(string, Object=): string} spec.t
 * @param {string[]} spec.languages
 * @param {string[]} spec.taken Ids of the other quizzes.
 * @param {{id: string, title: Object}|null} spec.quiz The quiz renamed (null: a new one).
 * @returns {Promise<{id: string, title: Object}|null>}
 */
export function quizDialog(spec) {
  const { t } = spec;
  const renaming = !!spec.quiz;
  const inputs = {};
  const fields = spec.languages.map((lang) => {
    const id = uniqueId("tbq-title");
    const input = el("input", { id, type: "text", lang, "data-lang": lang });
    input.value = (spec.quiz && spec.quiz.title[lang]) || "";
    inputs[lang] = input;
    return el("div", { class: "tbq-lang" }, [
      el("label", { for: id }, [el("span", { text: `${t("title")}, ` }), el("span", { lang, text: LANGUAGE_NAMES[lang] || lang })]),
      input,
    ]);
  });
  const idInput = el("input", { id: uniqueId("tbq-id"), type: "text", autocomplete: "off", spellcheck: "false", "data-role": "quiz-id" });
  const idHelp = el("p", { class: "tbq-help", id: uniqueId("tbq-help"), text: t("idHelp") });
  const idError = el("p", { class: "tbq-problem", id: uniqueId("tbq-error"), role: "alert", hidden: true });
  idInput.setAttribute("aria-describedby", idHelp.id);
  idInput.value = renaming ? spec.quiz.id : "";
  let idTouched = renaming;
  idInput.addEventListener("input", () => { idTouched = true; });
  // A new quiz's id follows its English (or any Latin) title until the author types one.
  for (const input of Object.values(inputs)) {
    input.addEventListener("input", () => {
      if (idTouched) return;
      const latin = Object.values(inputs).map((i) => slug(i.value)).find((s) => s);
      idInput.value = latin ? freshId(latin, spec.taken) : "";
    });
  }
  return openDialog({
    title: renaming ? t("renameQuizDialog") : t("addQuizDialog"),
    name: renaming ? "rename-quiz" : "add-quiz",
    submit: renaming ? t("save") : t("add"),
    cancel: t("cancel"),
    content: [
      el("div", { class: "tbq-langs" }, fields),
      el("div", { class: "tbq-field" }, [el("label", { for: idInput.id, class: "tbq-field__label", text: t("id") }), idInput, idHelp, idError]),
    ],
    onSubmit: () => {
      const id = idInput.value.trim() || freshId("quiz", spec.taken);
      let message = "";
      if (!ID_PATTERN.test(id)) message = t("badId");
      else if (spec.taken.includes(id)) message = t("takenId", { id });
      if (message) {
        idError.textContent = message;
        idError.hidden = false;
        idInput.setAttribute("aria-invalid", "true");
        idInput.setAttribute("aria-describedby", `${idHelp.id} ${idError.id}`);
        idInput.focus();
        return null;
      }
      const title = {};
      for (const [lang, input] of Object.entries(inputs)) if (input.value.trim()) title[lang] = input.value.trim();
      return { id, title };
    },
  });
}

/**
 * Ask before deleting a quiz.
 * @param {{t: function, title: string, questions: number, spots: string[]}} spec
 * @returns {Promise<boolean>}
 */
export function confirmDeleteQuiz(spec) {
  const { t } = spec;
  const content = [el("p", { text: t("deleteQuizText", { title: spec.title, n: spec.questions }) })];
  if (spec.spots.length) content.push(el("p", { text: t("deleteQuizUsed", { spots: spec.spots.join(", ") }) }));
  return openDialog({
    title: t("deleteQuizDialog"),
    name: "delete-quiz",
    submit: t("delete"),
    cancel: t("cancel"),
    content,
    onSubmit: () => ({ confirmed: true }),
  }).then((result) => !!result);
}
