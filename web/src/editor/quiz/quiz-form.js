/**
 * One quiz in the editor: its settings (title, pass mark, tries, attempts, shuffle,
 * checkpoint, unlocked scenes) and its questions (add one of each kind, reorder, delete, and
 * the kind's own form: choices.js, true-false.js, find.js, order.js).
 * @module editor/quiz/quiz-form
 */
import { el, uniqueId } from "../../player/dom.js";
import { renderChoices } from "./choices.js";
import { button, checkboxField, checklistField, localTextField, numberField, selectField } from "./fields.js";
import { renderFind } from "./find.js";
import { KINDS, move, newQuestion, questionIn, quizIn, setText, textOf } from "./model.js";
import { renderOrder } from "./order.js";
import { renderTrueFalse } from "./true-false.js";

const KIND_FORMS = {
  single: renderChoices,
  multiple: renderChoices,
  picture: renderChoices,
  true_false: renderTrueFalse,
  find: renderFind,
  order: renderOrder,
};

/**
 * @param {Object} ctx The panel's context.
 * @param {string} quizId
 * @returns {HTMLElement[]}
 */
export function renderQuizForm(ctx, quizId) {
  return [renderSettings(ctx, quizId), renderQuestions(ctx, quizId)];
}

function sceneChoices(ctx) {
  const scenes = ctx.doc.scenes || {};
  return Object.keys(scenes).map((id) => ({ value: id, text: `${textOf(scenes[id].title, ctx.lang) || id} (${id})` }));
}

function renderSettings(ctx, quizId) {
  const { t, doc } = ctx;
  const quiz = doc.quizzes[quizId];
  const path = `quizzes.${quizId}`;
  const edit = (label, fn) => ctx.commit(label, (d) => fn(quizIn(d, quizId)));
  const completion = doc.completion || {};
  const final = completion.quiz === quizId;
  const headingId = uniqueId("tbq-settings");
  const checkpoint = [{ value: "", text: t("noCheckpoint") }].concat(sceneChoices(ctx));
  if (quiz.checkpoint && !(doc.scenes || {})[quiz.checkpoint]) checkpoint.push({ value: quiz.checkpoint, text: quiz.checkpoint });
  return el("section", { class: "tbq-settings", "aria-labelledby": headingId }, [
    el("h4", { id: headingId, text: t("settings") }),
    localTextField(ctx, {
      label: t("title"),
      path: `${path}.title`,
      value: quiz.title,
      required: true,
      onCommit: (lang, text) => edit(t("title"), (q) => setText(q.title || (q.title = {}), lang, text)),
    }),
    el("div", { class: "tbq-row" }, [
      numberField(ctx, {
        label: t("passMark"),
        path: `${path}.pass_mark`,
        value: quiz.pass_mark,
        min: 0,
        max: 100,
        optional: true,
        help: final ? t("passMarkFinal") : t("passMarkHelp", { mark: completion.pass_mark === undefined ? 80 : completion.pass_mark }),
        onCommit: (value) => edit(t("passMark"), (q) => {
          if (value === null) delete q.pass_mark;
          else q.pass_mark = value;
        }),
      }),
      numberField(ctx, {
        label: t("tries"), path: `${path}.tries`, value: quiz.tries === undefined ? 1 : quiz.tries, min: 0, max: 100,
        help: t("triesHelp"), onCommit: (value) => edit(t("tries"), (q) => { q.tries = value; }),
      }),
      numberField(ctx, {
        label: t("attempts"), path: `${path}.attempts`, value: quiz.attempts === undefined ? 0 : quiz.attempts, min: 0, max: 100,
        help: t("attemptsHelp"), onCommit: (value) => edit(t("attempts"), (q) => { q.attempts = value; }),
      }),
    ]),
    checkboxField({
      label: t("shuffle"), path: `${path}.shuffle`, checked: !!quiz.shuffle,
      onChange: (on) => edit(t("shuffle"), (q) => {
        if (on) q.shuffle = true;
        else delete q.shuffle;
      }),
    }),
    selectField({
      label: t("checkpoint"), path: `${path}.checkpoint`, value: quiz.checkpoint || "", options: checkpoint,
      onChange: (value) => edit(t("checkpoint"), (q) => {
        if (value) q.checkpoint = value;
        else delete q.checkpoint;
      }),
    }),
    checklistField({
      legend: t("unlocks"), path: `${path}.unlocks`, items: sceneChoices(ctx), chosen: quiz.unlocks || [],
      onChange: (chosen) => edit(t("unlocks"), (q) => {
        if (chosen.length) q.unlocks = chosen;
        else delete q.unlocks;
      }),
    }),
  ]);
}

function renderQuestions(ctx, quizId) {
  const { t, doc } = ctx;
  const quiz = doc.quizzes[quizId];
  const questions = quiz.questions || [];
  const headingId = uniqueId("tbq-questions");
  const list = el("ol", { class: "tbq-questions" });
  questions.forEach((question, index) => list.appendChild(renderQuestion(ctx, quizId, question, index, questions.length)));

  const kindId = uniqueId("tbq-kind");
  const kind = el("select", { id: kindId, "data-key": `quizzes.${quizId}.questions#kind` });
  for (const k of KINDS) kind.appendChild(el("option", { value: k, text: t(`kind_${k}`) }));
  kind.value = ctx.lastKind || "single";
  kind.addEventListener("change", () => { ctx.lastKind = kind.value; });
  const add = button(t("addQuestion"), { "data-key": `quizzes.${quizId}.questions#add`, "data-action": "add-question" }, () => {
    const chosen = kind.value;
    ctx.lastKind = chosen;
    let made = null;
    ctx.commit(`${t("addQuestion")}: ${t(`kind_${chosen}`)}`, (d) => {
      const q = quizIn(d, quizId);
      q.questions = q.questions || [];
      made = newQuestion(chosen, q.questions, { scene: ctx.currentScene() });
      q.questions.push(made);
    });
    if (made) {
      ctx.focusAfter(`quizzes.${quizId}.questions.${questions.length}.prompt#${ctx.languages[0]}`);
      ctx.announce(t("questionHeading", { n: questions.length + 1, kind: t(`kind_${chosen}`) }));
    }
  });
  return el("section", { class: "tbq-questions-box", "aria-labelledby": headingId, "data-path": `quizzes.${quizId}.questions` }, [
    el("h4", { id: headingId, text: t("questions") }),
    list,
    el("div", { class: "tbq-add" }, [
      el("label", { for: kindId, class: "tbq-field__label", text: t("questionKind") }),
      kind,
      add,
    ]),
  ]);
}

function renderQuestion(ctx, quizId, question, index, total) {
  const { t } = ctx;
  const n = index + 1;
  const path = `quizzes.${quizId}.questions.${index}`;
  const headingId = uniqueId("tbq-question");
  const edit = (label, fn) => ctx.commit(label, (d) => fn(questionIn(d, quizId, question.id), d));
  const moveTo = (delta, label) => {
    ctx.commit(label, (d) => move(quizIn(d, quizId).questions, index, delta));
    const to = index + delta;
    const key = to === 0 ? "down" : to === total - 1 ? "up" : delta < 0 ? "up" : "down";
    ctx.focusAfter(`quizzes.${quizId}.questions.${to}#${key}`);
    ctx.announce(t("questionHeading", { n: to + 1, kind: t(`kind_${question.kind}`) }));
  };
  const form = KIND_FORMS[question.kind];
  return el("li", { class: "tbq-question", "data-path": path, "data-question-id": question.id, "data-kind": question.kind }, [
    el("section", { "aria-labelledby": headingId }, [
      el("div", { class: "tbq-question__head" }, [
        el("h5", { id: headingId, class: "tbq-question__title", text: t("questionHeading", { n, kind: t(`kind_${question.kind}`) }) }),
        el("div", { class: "tbq-tools" }, [
          button(t("moveUp"), { "aria-label": t("moveQuestionUp", { n }), "data-key": `${path}#up`, disabled: index === 0 },
            () => moveTo(-1, t("moveQuestionUp", { n }))),
          button(t("moveDown"), { "aria-label": t("moveQuestionDown", { n }), "data-key": `${path}#down`, disabled: index === total - 1 },
            () => moveTo(1, t("moveQuestionDown", { n }))),
          button(t("delete"), { "aria-label": t("deleteQuestion", { n }), "data-key": `${path}#delete`, "data-action": "delete-question", disabled: total <= 1 },
            () => {
              ctx.commit(t("deleteQuestion", { n }), (d) => {
                const q = quizIn(d, quizId);
                q.questions = q.questions.filter((x) => x.id !== question.id);
              });
              ctx.focusAfter(`quizzes.${quizId}.questions.${Math.min(index, total - 2)}#delete`);
            }),
        ]),
      ]),
      localTextField(ctx, {
        label: t("prompt"),
        path: `${path}.prompt`,
        value: question.prompt,
        multiline: true,
        required: true,
        onCommit: (lang, text) => edit(t("prompt"), (q) => setText(q.prompt || (q.prompt = {}), lang, text)),
      }),
      numberField(ctx, {
        label: t("points"), path: `${path}.points`, value: question.points === undefined ? 1 : question.points, min: 0, max: 1000,
        onCommit: (value) => edit(t("points"), (q) => { q.points = value; }),
      }),
      ...(form ? form(ctx, quizId, question, path) : []),
      feedbackField(ctx, question, path, "correct", edit),
      feedbackField(ctx, question, path, "wrong", edit),
    ]),
  ]);
}

function feedbackField(ctx, question, path, which, edit) {
  const label = ctx.t(which === "correct" ? "feedbackCorrect" : "feedbackWrong");
  return localTextField(ctx, {
    label,
    path: `${path}.feedback.${which}`,
    value: question.feedback && question.feedback[which],
    multiline: true,
    onCommit: (lang, text) => edit(label, (q) => {
      q.feedback = q.feedback || {};
      q.feedback[which] = q.feedback[which] || {};
      setText(q.feedback[which], lang, text);
      if (!Object.keys(q.feedback[which]).length) delete q.feedback[which];
      if (!Object.keys(q.feedback).length) delete q.feedback;
    }),
  });
}
