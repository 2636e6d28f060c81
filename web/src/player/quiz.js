/**
 * Quizzes: scoring, and the quiz form shown in a dialog. A question earns its
 * points only when the chosen choices are exactly the correct ones.
 * @module quiz
 */
import { el, setLocal, uniqueId } from "./dom.js";
import { icon } from "./icons.js";
import { pick } from "./i18n.js";

/**
 * @typedef {Object} QuestionResult
 * @property {string} id The question's id.
 * @property {boolean} correct Whether the chosen set equals the correct set.
 * @property {number} points The question's points.
 * @property {number} earned Points earned (all or nothing).
 * @property {string[]} chosen Ids of the chosen choices, in author order.
 */

/**
 * @typedef {Object} QuizResult
 * @property {number} earned
 * @property {number} total
 * @property {number} scorePercent round(100 · earned / total); 100 when no question has points.
 * @property {boolean} passed scorePercent ≥ the pass mark.
 * @property {QuestionResult[]} questions
 */

/**
 * Score one question.
 * @param {Object} question A tour question ({id, kind, choices, points}).
 * @param {Iterable<string>} chosenIds Ids of the chosen choices.
 * @returns {QuestionResult}
 */
export function scoreQuestion(question, chosenIds) {
  const chosenSet = new Set(chosenIds);
  const points = question.points === undefined ? 1 : question.points;
  const choices = question.choices || [];
  const correct = choices.length > 0 && choices.every((c) => Boolean(c.correct) === chosenSet.has(c.id));
  return {
    id: question.id,
    correct,
    points,
    earned: correct ? points : 0,
    chosen: choices.filter((c) => chosenSet.has(c.id)).map((c) => c.id),
  };
}

/**
 * Score a whole quiz.
 * @param {Object} quiz A tour quiz ({questions}).
 * @param {Object<string, Iterable<string>>} answers Chosen choice ids by question id.
 * @param {number} passMark Percent needed to pass.
 * @returns {QuizResult}
 */
export function scoreQuiz(quiz, answers, passMark) {
  const questions = (quiz.questions || []).map((q) => scoreQuestion(q, answers[q.id] || []));
  const total = questions.reduce((sum, r) => sum + r.points, 0);
  const earned = questions.reduce((sum, r) => sum + r.earned, 0);
  const scorePercent = total > 0 ? Math.round((100 * earned) / total) : 100;
  return { earned, total, scorePercent, passed: scorePercent >= passMark, questions };
}

/**
 * The quiz form: one fieldset per question (legend = prompt; radio buttons for
 * "single", checkboxes for "multiple"), a "Check answers" button, per-question
 * feedback and a result line (`data-quiz-result`, `data-score`, `data-passed`).
 * @param {Object} spec
 * @param {Object} spec.quiz The tour quiz.
 * @param {string} spec.lang The current language.
 * @param {string[]} spec.languages The tour's languages.
 * @param {number} spec.passMark
 * @param {function(string, Object=):string} spec.text Interface string of a key.
 * @param {function(QuizResult):void} spec.onChecked Called after each check.
 * @returns {HTMLFormElement}
 */
export function quizForm(spec) {
  const { quiz, lang, languages, text } = spec;
  const local = (map) => pick(map, lang, languages);
  const form = el("form", { class: "tb-quiz", novalidate: true });
  const formId = uniqueId("quiz");
  const questionParts = [];

  for (const question of quiz.questions || []) {
    const multiple = question.kind === "multiple";
    const hintId = uniqueId("hint");
    const legend = el("legend", { class: "tb-question__prompt" });
    setLocal(legend, local(question.prompt), lang);
    const list = el("ul", { class: "tb-choices" });
    const inputs = [];
    for (const choice of question.choices || []) {
      const input = el("input", {
        type: multiple ? "checkbox" : "radio",
        name: `${formId}-${question.id}`,
        value: choice.id,
        class: "tb-choice__input",
      });
      const label = el("span", { class: "tb-choice__text" });
      setLocal(label, local(choice.text), lang);
      list.appendChild(el("li", null, [el("label", { class: "tb-choice" }, [input, label])]));
      inputs.push(input);
    }
    const feedback = el("div", { class: "tb-question__result", "data-question-result": "", hidden: true });
    const fieldset = el(
      "fieldset",
      { class: "tb-question", "data-question-id": question.id, "aria-describedby": hintId },
      [legend, el("p", { class: "tb-hint", id: hintId, text: text(multiple ? "chooseAll" : "chooseOne") }), list, feedback],
    );
    form.appendChild(fieldset);
    questionParts.push({ question, inputs, feedback, fieldset });
  }

  const submit = el("button", { type: "submit", class: "tb-button tb-button--primary tb-quiz__check" }, [
    icon("correct"),
    el("span", { text: text("checkAnswers") }),
  ]);
  const result = el("p", { class: "tb-quiz__result", "data-quiz-result": "", tabindex: "-1", hidden: true });
  const detail = el("p", { class: "tb-quiz__detail", hidden: true });
  form.appendChild(el("div", { class: "tb-quiz__actions" }, [submit]));
  form.appendChild(result);
  form.appendChild(detail);

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const answers = {};
    for (const part of questionParts) {
      answers[part.question.id] = part.inputs.filter((i) => i.checked).map((i) => i.value);
    }
    const outcome = scoreQuiz(quiz, answers, spec.passMark);
    outcome.questions.forEach((qResult, index) => {
      const part = questionParts[index];
      showFeedback(part, qResult, local, lang, text);
    });
    result.textContent = text("result", {
      percent: outcome.scorePercent,
      verdict: text(outcome.passed ? "passed" : "failed"),
    });
    result.setAttribute("data-score", String(outcome.scorePercent));
    result.setAttribute("data-passed", String(outcome.passed));
    result.className = `tb-quiz__result tb-quiz__result--${outcome.passed ? "passed" : "failed"}`;
    result.hidden = false;
    detail.textContent = text("points", { earned: outcome.earned, total: outcome.total, mark: spec.passMark });
    detail.hidden = false;
    result.focus();
    spec.onChecked(outcome);
  });
  return form;
}

/** Fill a question's feedback area after a check. */
function showFeedback(part, qResult, local, lang, text) {
  const { feedback, fieldset, question } = part;
  feedback.textContent = "";
  feedback.className = `tb-question__result tb-question__result--${qResult.correct ? "correct" : "wrong"}`;
  feedback.setAttribute("data-correct", String(qResult.correct));
  fieldset.setAttribute("data-correct", String(qResult.correct));
  feedback.appendChild(
    el("p", { class: "tb-verdict" }, [icon(qResult.correct ? "correct" : "wrong"), el("span", { text: text(qResult.correct ? "correct" : "wrong") })]),
  );
  if (!qResult.chosen.length) {
    feedback.appendChild(el("p", { class: "tb-text", text: text("noAnswer") }));
  }
  for (const choice of question.choices || []) {
    if (!qResult.chosen.includes(choice.id)) continue;
    const message = local(choice.feedback);
    if (!message.text) continue;
    const p = el("p", { class: "tb-text tb-feedback" });
    setLocal(p, message, lang);
    feedback.appendChild(p);
  }
  feedback.hidden = false;
}
