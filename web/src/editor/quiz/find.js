/**
 * A "find it in the scene" question: its scene, its region (drawn on the live panorama, see
 * region-overlay.js, and listed here as corners with their angles, the keyboard way to edit
 * them), and its places (the learner's keyboard way to answer; exactly one lies inside the region).
 * @module editor/quiz/find
 */
import { el } from "../../player/dom.js";
import { regionCentre, regionContains } from "../../player/questions/region.js";
import { button, help, localTextField, selectField } from "./fields.js";
import { MAX_OPTIONS, newOption, optionIn, questionIn, round1, setText, textOf, wrapYaw } from "./model.js";

/**
 * @param {Object} ctx The panel's context (also `overlay`: the RegionOverlay, and `showScene`).
 * @param {string} quizId
 * @param {Object} question
 * @param {string} path
 * @returns {HTMLElement[]}
 */
export function renderFind(ctx, quizId, question, path) {
  const { t, doc } = ctx;
  const edit = (label, fn) => ctx.commit(label, (d) => fn(questionIn(d, quizId, question.id)));
  const scenes = Object.keys(doc.scenes || {});
  const sceneOptions = scenes.map((id) => ({ value: id, text: `${textOf(doc.scenes[id].title, ctx.lang) || id} (${id})` }));
  if (!question.scene || !doc.scenes[question.scene]) sceneOptions.unshift({ value: question.scene || "", text: question.scene || "—" });
  const scene = selectField({
    label: t("scene"),
    path: `${path}.scene`,
    value: question.scene || "",
    options: sceneOptions,
    onChange: (value) => {
      edit(t("scene"), (q) => { q.scene = value; });
      if (ctx.overlay.state(quizId, question.id).shown) ctx.overlay.show(quizId, question.id, ctx.overlay.state(quizId, question.id).drawing);
    },
  });
  return [scene, regionBox(ctx, quizId, question, path, edit), placesBox(ctx, quizId, question, path, edit)];
}

function regionBox(ctx, quizId, question, path, edit) {
  const { t, overlay } = ctx;
  const region = question.region || [];
  const { shown, drawing } = overlay.state(quizId, question.id);
  const note = help(t("regionHelp"));
  const tools = el("div", { class: "tbq-tools tbq-tools--wide" });
  if (overlay.available) {
    tools.append(
      button(t("showRegion"), { "aria-pressed": shown ? "true" : "false", "data-key": `${path}.region#show`, "data-action": "show-region" }, () => {
        if (shown) overlay.hide();
        else overlay.show(quizId, question.id, false);
        ctx.rerender();
      }),
      button(t("drawRegion"), { "aria-pressed": drawing ? "true" : "false", "data-key": `${path}.region#draw`, "data-action": "draw-region", "aria-describedby": note.id }, () => {
        if (drawing) overlay.show(quizId, question.id, false);
        else overlay.show(quizId, question.id, true);
        ctx.rerender();
      }),
      button(t("addCornerHere"), { "data-key": `${path}.region#here`, "data-action": "corner-here", disabled: region.length >= 64 }, () => {
        const view = ctx.view();
        if (!view) return;
        edit(t("corner", { n: region.length + 1 }), (q) => (q.region = q.region || []).push([wrapYaw(view.yaw), round1(view.pitch)]));
        if (!overlay.state(quizId, question.id).shown) overlay.show(quizId, question.id, false);
      }),
    );
  }
  tools.append(button(t("clearRegion"), { "data-key": `${path}.region#clear`, disabled: !region.length }, () =>
    edit(t("clearRegion"), (q) => { q.region = []; })));

  const corners = el("ol", { class: "tbq-corners-list" });
  region.forEach(([yaw, pitch], index) => {
    const n = index + 1;
    const here = `${path}.region.${index}`;
    const set = (which, value) => edit(t("corner", { n }), (q) => {
      const corner = q.region[index];
      if (!corner) return;
      if (which === 0) corner[0] = wrapYaw(value);
      else corner[1] = Math.max(-90, Math.min(90, round1(value)));
    });
    corners.appendChild(el("li", { class: "tbq-corner-row", "data-path": here }, [
      angleInput(t("corner", { n }), t("yaw"), yaw, -360, 360, `${here}#yaw`, (v) => set(0, v)),
      angleInput(t("corner", { n }), t("pitch"), pitch, -90, 90, `${here}#pitch`, (v) => set(1, v)),
      button(t("delete"), { "aria-label": t("deleteCorner", { n }), "data-key": `${here}#delete` },
        () => edit(t("deleteCorner", { n }), (q) => q.region.splice(index, 1))),
    ]));
  });
  return el("fieldset", { class: "tbq-field tbq-fieldset", "data-path": `${path}.region`, "data-region": "" }, [
    el("legend", { text: `${t("region")} — ${t("cornerCount", { n: region.length })}` }),
    note,
    overlay.available ? null : el("p", { class: "tbq-help", text: t("noViewer") }),
    drawing ? el("p", { class: "tbq-help tbq-help--strong", text: t("drawingStatus") }) : null,
    tools,
    corners,
    region.length < 3 ? el("p", { class: "tbq-help", text: t("regionTooSmall") }) : null,
  ]);
}

function placesBox(ctx, quizId, question, path, edit) {
  const { t } = ctx;
  const places = question.places || [];
  const region = question.region || [];
  const list = el("ol", { class: "tbq-options" });
  places.forEach((place, index) => {
    const n = index + 1;
    const here = `${path}.places.${index}`;
    const inside = region.length >= 3 && regionContains(region, place.yaw, place.pitch);
    const onPlace = (label, fn) => edit(label, (q) => fn(optionIn(q.places, place.id)));
    list.appendChild(el("li", { class: "tbq-option", "data-path": here, "data-place-id": place.id }, [
      el("div", { class: "tbq-option__head" }, [
        el("span", { class: "tbq-option__name", text: t("placeText", { n }) }),
        el("span", { class: `tbq-badge ${inside ? "tbq-badge--right" : ""}`.trim(), "data-inside": inside ? "true" : "false",
          text: inside ? t("placeInside") : t("placeOutside") }),
        el("div", { class: "tbq-tools" }, [
          ctx.overlay.available ? button(t("look"), { "aria-label": t("lookAtPlace", { n }), "data-key": `${here}#look` }, () => {
            ctx.overlay.show(quizId, question.id, ctx.overlay.state(quizId, question.id).drawing);
            ctx.lookAt(place.yaw, place.pitch);
          }) : null,
          button(t("delete"), { "aria-label": t("deletePlace", { n }), "data-key": `${here}#delete` },
            () => edit(t("deletePlace", { n }), (q) => q.places.splice(index, 1))),
        ]),
      ]),
      localTextField(ctx, {
        label: t("placeText", { n }),
        hideLabel: true,
        path: `${here}.text`,
        value: place.text,
        required: true,
        onCommit: (lang, text) => onPlace(t("placeText", { n }), (p) => setText(p.text || (p.text = {}), lang, text)),
      }),
      el("div", { class: "tbq-angles" }, [
        angleInput(t("placeText", { n }), t("yaw"), place.yaw, -360, 360, `${here}.yaw`,
          (v) => onPlace(t("placeText", { n }), (p) => { p.yaw = wrapYaw(v); })),
        angleInput(t("placeText", { n }), t("pitch"), place.pitch, -90, 90, `${here}.pitch`,
          (v) => onPlace(t("placeText", { n }), (p) => { p.pitch = Math.max(-90, Math.min(90, round1(v))); })),
      ]),
    ]));
  });
  const addAt = (at) => edit(t("addPlaceHere"), (q) => {
    q.places = q.places || [];
    q.places.push(newOption("place", q.places, { yaw: wrapYaw(at.yaw), pitch: round1(at.pitch) }));
  });
  const full = places.length >= MAX_OPTIONS;
  return el("fieldset", { class: "tbq-field tbq-fieldset", "data-path": `${path}.places` }, [
    el("legend", { text: t("places") }),
    help(t("placesHelp")),
    list,
    el("div", { class: "tbq-tools tbq-tools--wide" }, [
      button(t("addPlaceCentre"), { "data-key": `${path}.places#centre`, "data-action": "place-centre", disabled: full || region.length < 3 },
        () => addAt(regionCentre(region))),
      ctx.overlay.available ? button(t("addPlaceHere"), { "data-key": `${path}.places#here`, "data-action": "place-here", disabled: full }, () => {
        const view = ctx.view();
        if (view) addAt(view);
      }) : null,
    ]),
  ]);
}

/** An angle in degrees (one decimal), committed on change when it is a number in range. */
function angleInput(owner, label, value, min, max, key, onCommit) {
  const input = el("input", { type: "number", step: "0.1", min: String(min), max: String(max), "data-key": key, class: "tbq-angle" });
  input.value = String(round1(value));
  input.addEventListener("change", () => {
    const number = Number(input.value);
    const ok = input.value.trim() !== "" && Number.isFinite(number) && number >= min && number <= max;
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    if (ok) onCommit(number);
  });
  return el("label", { class: "tbq-angle-label" }, [el("span", { class: "tb-visually-hidden", text: `${owner}: ` }), el("span", { text: label }), input]);
}

