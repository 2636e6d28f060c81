/**
 * The choices of `single`, `multiple` and `picture` questions: text in every language, which
 * ones are right (radio buttons when one is right, checkboxes when several), feedback per
 * choice, order, and for pictures the picture itself (uploaded through the media API).
 * @module editor/quiz/choices
 */
import { el, uniqueId } from "../../player/dom.js";
import { button, checkboxField, fieldBox, localTextField } from "./fields.js";
import { MAX_OPTIONS, letterOf, move, newOption, optionIn, questionIn, setText, textOf } from "./model.js";

/**
 * @param {Object} ctx The panel's context (fields.js FieldContext, plus upload, mediaUrl, lang).
 * @param {string} quizId
 * @param {Object} question
 * @param {string} path Where the question is ("quizzes.<id>.questions.<n>").
 * @returns {HTMLElement[]}
 */
export function renderChoices(ctx, quizId, question, path) {
  const { t } = ctx;
  const picture = question.kind === "picture";
  const several = question.kind === "multiple" || (picture && !!question.multiple);
  const choices = question.choices || [];
  const edit = (label, fn) => ctx.commit(label, (doc) => fn(questionIn(doc, quizId, question.id), doc));
  const group = uniqueId("tbq-right");

  const manyBox = checkboxField({
    label: picture ? t("manyAnswers") : t("kind_multiple"),
    path: picture ? `${path}.multiple` : `${path}.kind`,
    checked: several,
    onChange: (on) => edit(t("manyAnswers"), (q) => {
      if (picture) {
        if (on) q.multiple = true;
        else delete q.multiple;
      } else {
        q.kind = on ? "multiple" : "single";
      }
    }),
  });

  const list = el("ol", { class: "tbq-options" });
  choices.forEach((choice, index) => {
    const letter = letterOf(index);
    const here = `${path}.choices.${index}`;
    const onChoice = (label, fn) => edit(label, (q, doc) => fn(optionIn(q.choices, choice.id), q, doc));
    const rightId = uniqueId("tbq-right");
    const right = el("input", {
      id: rightId, type: several ? "checkbox" : "radio", name: several ? null : group,
      "data-key": `${here}.correct`, "data-action": "correct",
    });
    right.checked = !!choice.correct;
    right.addEventListener("change", () => edit(t("correctChoice", { letter }), (q) => {
      for (const other of q.choices) {
        if (other.id === choice.id) other.correct = several ? right.checked : true;
        else if (!several) other.correct = false;
        if (!other.correct) delete other.correct;
      }
    }));
    const tools = el("div", { class: "tbq-tools" }, [
      button(t("moveUp"), { "aria-label": t("moveChoiceUp", { letter }), "data-key": `${here}#up`, disabled: index === 0 },
        () => edit(t("moveChoiceUp", { letter }), (q) => move(q.choices, index, -1))),
      button(t("moveDown"), { "aria-label": t("moveChoiceDown", { letter }), "data-key": `${here}#down`, disabled: index === choices.length - 1 },
        () => edit(t("moveChoiceDown", { letter }), (q) => move(q.choices, index, 1))),
      button(t("delete"), { "aria-label": t("deleteChoice", { letter }), "data-key": `${here}#delete`, disabled: choices.length <= 2 },
        () => edit(t("deleteChoice", { letter }), (q) => q.choices.splice(index, 1))),
    ]);
    const item = el("li", { class: "tbq-option", "data-path": here, "data-choice-id": choice.id }, [
      el("div", { class: "tbq-option__head" }, [
        el("span", { class: "tbq-option__name", text: t("choiceHeading", { letter }) }),
        el("span", { class: "tbq-right" }, [right, el("label", { for: rightId, text: t("correctChoice", { letter }) })]),
        tools,
      ]),
      localTextField(ctx, {
        label: picture ? t("pictureText", { letter }) : t("choiceText", { letter }),
        hideLabel: !picture,
        path: `${here}.text`,
        value: choice.text,
        required: true,
        onCommit: (lang, text) => onChoice(t("choiceText", { letter }), (c) => setText(c.text || (c.text = {}), lang, text)),
      }),
      picture ? pictureField(ctx, choice, `${here}.image`, letter, (key, info) =>
        onChoice(t("picture", { letter }), (c, q, doc) => {
          const old = c.image;
          doc.media = doc.media || {};
          doc.media[key] = info;
          c.image = key;
          if (old && old !== key) dropUnused(doc, old);
        })) : null,
      localTextField(ctx, {
        label: t("choiceFeedback", { letter }),
        path: `${here}.feedback`,
        value: choice.feedback,
        onCommit: (lang, text) => onChoice(t("choiceFeedback", { letter }), (c) => {
          c.feedback = c.feedback || {};
          setText(c.feedback, lang, text);
          if (!Object.keys(c.feedback).length) delete c.feedback;
        }),
      }),
    ]);
    list.appendChild(item);
  });

  const add = button(t("addChoice"), { "data-key": `${path}.choices#add`, "data-action": "add-choice", disabled: choices.length >= MAX_OPTIONS },
    () => edit(t("addChoice"), (q) => q.choices.push(newOption("choice", q.choices))));
  return [
    manyBox,
    el("fieldset", { class: "tbq-field tbq-fieldset", "data-path": `${path}.choices` }, [
      el("legend", { text: t("choices") }),
      list,
      add,
    ]),
  ];
}

/** Remove a media entry nothing refers to any more (a replaced picture). */
function dropUnused(doc, key) {
  const media = doc.media;
  doc.media = undefined;
  const used = JSON.stringify(doc).includes(JSON.stringify(key));
  doc.media = media;
  if (!used) delete doc.media[key];
}

/**
 * A picture choice's picture: the current one (with its text as alternative) and a file
 * control that uploads a new one and then puts it into the document.
 */
function pictureField(ctx, choice, path, letter, onStored) {
  const { t } = ctx;
  const id = uniqueId("tbq-file");
  const status = el("p", { class: "tbq-help", role: "status" });
  const input = el("input", { id, type: "file", accept: "image/jpeg,image/png,image/webp", "data-key": path });
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    if (!file) return;
    status.textContent = t("uploading");
    status.classList.remove("tbq-problem");
    ctx.upload(file).then(
      ({ key, info }) => {
        status.textContent = "";
        onStored(key, info);
      },
      (err) => {
        status.textContent = t("uploadFailed", { message: err && err.message ? err.message : String(err) });
        status.classList.add("tbq-problem");
        input.value = "";
      },
    );
  });
  const url = choice.image ? ctx.mediaUrl(choice.image) : null;
  const preview = url
    ? el("img", { class: "tbq-picture", src: url, alt: textOf(choice.text, ctx.lang) || choice.image })
    : el("p", { class: "tbq-help", text: t("noPicture") });
  return fieldBox(path, "tbq-field--picture", [
    preview,
    el("label", { for: id, class: "tbq-field__label", text: t("picture", { letter }) }),
    input,
    status,
  ]);
}
