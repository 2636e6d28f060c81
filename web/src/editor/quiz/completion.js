/**
 * The tour's completion rule: which criteria must hold (visit a share of the scenes, open the
 * chosen hotspots, pass the final quiz), the final quiz, its pass mark, the share of scenes and
 * the hotspots. The rule is written as the model names it: one criterion by its name, the
 * document's own spelling when it means the same (`visit_and_quiz` or `[visit, quiz]`), else a list.
 * @module editor/quiz/completion
 */
import { el, uniqueId } from "../../player/dom.js";
import { checklistField, numberField, selectField } from "./fields.js";
import { CRITERIA, criteriaOf, ruleOf, textOf } from "./model.js";

/**
 * @param {Object} ctx The panel's context.
 * @returns {HTMLElement}
 */
export function renderCompletion(ctx) {
  const { t, doc } = ctx;
  const completion = doc.completion || {};
  const criteria = criteriaOf(completion.rule);
  const edit = (label, fn) => ctx.commit(label, (d) => {
    d.completion = d.completion || {};
    fn(d.completion);
  });
  const headingId = uniqueId("tbq-completion");

  const error = el("p", { class: "tbq-problem tbq-problem--local", id: uniqueId("tbq-error"), hidden: true, text: t("needCriterion") });
  const boxes = el("ul", { class: "tbq-checklist" });
  const inputs = [];
  for (const criterion of CRITERIA) {
    const id = uniqueId("tbq-criterion");
    const box = el("input", { id, type: "checkbox", value: criterion, "data-key": `completion.rule#${criterion}` });
    box.checked = criteria.has(criterion);
    box.addEventListener("change", () => {
      const chosen = new Set(inputs.filter((b) => b.checked).map((b) => b.value));
      if (!chosen.size) {
        // The model needs at least one criterion: say so and keep the last good rule.
        box.checked = true;
        error.hidden = false;
        box.setAttribute("aria-describedby", error.id);
        box.focus();
        return;
      }
      error.hidden = true;
      edit(t("completion"), (c) => {
        c.rule = ruleOf(chosen, c.rule);
        // With one quiz there is nothing to choose: make it the final quiz at once.
        const quizzes = Object.keys(doc.quizzes || {});
        if (chosen.has("quiz") && !c.quiz && quizzes.length === 1) c.quiz = quizzes[0];
      });
    });
    inputs.push(box);
    boxes.appendChild(el("li", {}, [box, el("label", { for: id, text: t(`criterion_${criterion}`) })]));
  }
  const parts = [
    el("fieldset", { class: "tbq-field tbq-fieldset", "data-path": "completion.rule" }, [
      el("legend", { text: t("criteria") }),
      boxes,
      error,
    ]),
  ];

  if (criteria.has("quiz")) {
    const quizzes = Object.keys(doc.quizzes || {});
    const options = [{ value: "", text: t("noFinalQuiz") }].concat(
      quizzes.map((id) => ({ value: id, text: `${textOf(doc.quizzes[id].title, ctx.lang) || id} (${id})` })));
    if (completion.quiz && !quizzes.includes(completion.quiz)) options.push({ value: completion.quiz, text: completion.quiz });
    parts.push(
      selectField({
        label: t("finalQuiz"),
        path: "completion.quiz",
        value: completion.quiz || "",
        options,
        onChange: (value) => edit(t("finalQuiz"), (c) => {
          if (value) c.quiz = value;
          else delete c.quiz;
        }),
      }),
      numberField(ctx, {
        label: t("completionPassMark"),
        path: "completion.pass_mark",
        value: completion.pass_mark === undefined ? 80 : completion.pass_mark,
        min: 0,
        max: 100,
        onCommit: (value) => edit(t("completionPassMark"), (c) => { c.pass_mark = value; }),
      }),
    );
  }
  if (criteria.has("visit")) {
    parts.push(numberField(ctx, {
      label: t("visitShare"),
      path: "completion.visit_share",
      value: Math.round((completion.visit_share === undefined ? 1 : completion.visit_share) * 100),
      min: 0,
      max: 100,
      onCommit: (value) => edit(t("visitShare"), (c) => { c.visit_share = value / 100; }),
    }));
  }
  if (criteria.has("hotspots")) {
    const items = [];
    for (const [sceneId, scene] of Object.entries(doc.scenes || {})) {
      for (const spot of scene.hotspots || []) {
        items.push({
          value: `${sceneId}/${spot.id}`,
          text: `${textOf(scene.title, ctx.lang) || sceneId} — ${textOf(spot.title, ctx.lang) || spot.id}`,
        });
      }
    }
    parts.push(checklistField({
      legend: t("requiredHotspots"),
      path: "completion.hotspots",
      items,
      chosen: completion.hotspots || [],
      empty: t("noHotspots"),
      onChange: (chosen) => edit(t("requiredHotspots"), (c) => {
        if (chosen.length) c.hotspots = chosen;
        else delete c.hotspots;
      }),
    }));
  }
  return el("section", { class: "tbq-completion", "aria-labelledby": headingId, "data-path": "completion" }, [
    el("h3", { id: headingId, text: t("completion") }),
    ...parts,
  ]);
}
