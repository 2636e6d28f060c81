/**
 * A `true_false` question's answer: the statement in the prompt is true, or false.
 * @module editor/quiz/true-false
 */
import { el, uniqueId } from "../../player/dom.js";
import { questionIn } from "./model.js";

/**
 * @param {Object} ctx The panel's context.
 * @param {string} quizId
 * @param {Object} question
 * @param {string} path
 * @returns {HTMLElement[]}
 */
export function renderTrueFalse(ctx, quizId, question, path) {
  const { t } = ctx;
  const name = uniqueId("tbq-tf");
  const radios = [true, false].map((value) => {
    const id = uniqueId("tbq-tf");
    const radio = el("input", { id, type: "radio", name, value: String(value), "data-key": `${path}.answer#${value}` });
    radio.checked = question.answer === value;
    radio.addEventListener("change", () => {
      if (radio.checked) ctx.commit(t("statement"), (doc) => { questionIn(doc, quizId, question.id).answer = value; });
    });
    return el("span", { class: "tbq-radio" }, [radio, el("label", { for: id, text: t(value ? "isTrue" : "isFalse") })]);
  });
  return [
    el("fieldset", { class: "tbq-field tbq-fieldset tbq-inline", "data-path": `${path}.answer` }, [
      el("legend", { text: t("statement") }),
      ...radios,
    ]),
  ];
}
