/**
 * The history panel: the tour's revisions (newest first), a preview of one (what it held), and
 * restoring it (the server makes it the newest revision; nothing is ever lost).
 * @module editor/history
 */
import { button, clear, el, localText, openDialog } from "./dom.js";

function when(text, language) {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return text || "";
  return date.toLocaleString(language === "mn" ? "mn-MN" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** What a document holds, for people: its scenes, each with its hotspots. */
export function describeDocument(doc, t, language) {
  const scenes = el("ul", { class: "tbe-summary" });
  for (const [id, scene] of Object.entries(doc.scenes || {})) {
    const spots = el("ul");
    for (const spot of scene.hotspots || []) {
      spots.appendChild(el("li", { text: `${t(`kind_${spot.kind}`)}: ${localText(spot.title, language) || spot.id} (${Math.round(spot.yaw)}°, ${Math.round(spot.pitch)}°)` }));
    }
    scenes.appendChild(el("li", {}, [
      el("strong", { text: localText(scene.title, language) || id }),
      el("span", { text: ` · ${t("hotspotCount", { n: (scene.hotspots || []).length })}` }),
      spots,
    ]));
  }
  return el("div", {}, [
    el("p", { text: `${t("tourTitle")}: ${localText(doc.title, language)}` }),
    el("p", { text: t("sceneCount", { n: Object.keys(doc.scenes || {}).length }) }),
    scenes,
  ]);
}

/**
 * Mount the history panel.
 * @param {import("./state.js").EditorState} state
 * @param {HTMLElement} element
 * @param {{t: function, api: Object, language: string}} context
 */
export function mount(state, element, context) {
  const { t, api, language } = context;
  const tourPath = `/tours/${encodeURIComponent(state.tourId)}`;
  const list = el("ol", { class: "tbe-revisions", reversed: true });
  const status = el("p", { class: "tbe-hint", role: "status", "aria-live": "polite" });
  const refresh = button(t("refresh"), () => load(), "", { "data-action": "refresh-history" });
  element.append(el("div", { class: "tbe-row" }, [refresh]), status, list);

  async function preview(number) {
    try {
      const { body } = await api.get(`${tourPath}/revisions/${number}`);
      const choice = await openDialog({
        title: t("revisionTitle", { n: number }),
        content: [describeDocument(body.document, t, language)],
        buttons: [{ text: t("close"), value: "close" }, { text: t("restoreThis"), value: "restore", primary: true }],
        className: "tbe-dialog--wide",
      });
      if (choice === "restore") await restore(number);
    } catch (err) {
      status.textContent = err.message;
    }
  }

  async function restore(number) {
    try {
      if (state.dirty) await state.save();
      await api.post(`${tourPath}/revisions/${number}/restore`, {});
      await state.reload(`restore revision ${number}`);
      status.textContent = t("restored", { n: number });
      await load();
    } catch (err) {
      status.textContent = t("restoreFailed", { reason: err.message });
    }
  }

  async function load() {
    try {
      const { body } = await api.get(`${tourPath}/revisions`);
      clear(list);
      const revisions = (body.revisions || []).slice().sort((a, b) => b.number - a.number);
      for (const rev of revisions) {
        const current = rev.number === state.revision;
        const label = t("revisionTitle", { n: rev.number });
        list.appendChild(el("li", { class: "tbe-revision", "data-revision": String(rev.number), value: String(rev.number) }, [
          el("p", {}, [
            el("strong", { text: label }),
            current ? el("span", { class: "tbe-badge", text: t("current") }) : null,
          ]),
          el("p", { class: "tbe-hint", text: [when(rev.created_at, language), rev.author, rev.message].filter(Boolean).join(" · ") }),
          el("div", { class: "tbe-row" }, [
            button(t("preview"), () => preview(rev.number), "tbe-button--small", { "aria-label": t("previewRevision", { n: rev.number }), "data-action": "preview" }),
            current ? null : button(t("restore"), () => restore(rev.number), "tbe-button--small", { "aria-label": t("restoreRevision", { n: rev.number }), "data-action": "restore" }),
          ]),
        ]));
      }
    } catch (err) {
      status.textContent = err.message;
    }
  }

  state.on("saved", () => load());
  load();
  return { load, restore, preview };
}
