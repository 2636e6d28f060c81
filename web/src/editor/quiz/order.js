/**
 * An `order` question's steps, written in the right order (the player shows them shuffled):
 * text in every language, move up and down, add, delete.
 * @module editor/quiz/order
 */
import { el } from "../../player/dom.js";
import { button, localTextField } from "./fields.js";
import { MAX_OPTIONS, move, newOption, optionIn, questionIn, setText } from "./model.js";

/**
 * @param {Object} ctx The panel's context.
 * @param {string} quizId
 * @param {Object} question
 * @param {string} path
 * @returns {HTMLElement[]}
 */
export function renderOrder(ctx, quizId, question, path) {
  const { t } = ctx;
  const items = question.items || [];
  const edit = (label, fn) => ctx.commit(label, (doc) => fn(questionIn(doc, quizId, question.id)));
  const list = el("ol", { class: "tbq-options" });
  items.forEach((item, index) => {
    const n = index + 1;
    const here = `${path}.items.${index}`;
    list.appendChild(el("li", { class: "tbq-option", "data-path": here, "data-item-id": item.id }, [
      el("div", { class: "tbq-option__head" }, [
        el("span", { class: "tbq-option__name", text: t("itemText", { n }) }),
        el("div", { class: "tbq-tools" }, [
          button(t("moveUp"), { "aria-label": t("moveItemUp", { n }), "data-key": `${here}#up`, disabled: index === 0 },
            () => edit(t("moveItemUp", { n }), (q) => move(q.items, index, -1))),
          button(t("moveDown"), { "aria-label": t("moveItemDown", { n }), "data-key": `${here}#down`, disabled: index === items.length - 1 },
            () => edit(t("moveItemDown", { n }), (q) => move(q.items, index, 1))),
          button(t("delete"), { "aria-label": t("deleteItem", { n }), "data-key": `${here}#delete`, disabled: items.length <= 2 },
            () => edit(t("deleteItem", { n }), (q) => q.items.splice(index, 1))),
        ]),
      ]),
      localTextField(ctx, {
        label: t("itemText", { n }),
        hideLabel: true,
        path: `${here}.text`,
        value: item.text,
        required: true,
        onCommit: (lang, text) => edit(t("itemText", { n }), (q) => {
          const stored = optionIn(q.items, item.id);
          setText(stored.text || (stored.text = {}), lang, text);
        }),
      }),
    ]));
  });
  return [
    el("fieldset", { class: "tbq-field tbq-fieldset", "data-path": `${path}.items` }, [
      el("legend", { text: t("items") }),
      list,
      button(t("addItem"), { "data-key": `${path}.items#add`, "data-action": "add-item", disabled: items.length >= MAX_OPTIONS },
        () => edit(t("addItem"), (q) => q.items.push(newOption("item", q.items)))),
    ]),
  ];
}
