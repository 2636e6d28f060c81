/**
 * "Things in this scene": every hotspot of the current scene, in author order, as a list
 * of buttons in a dialog (through the one dialog mechanism). It is the keyboard and
 * screen-reader route to everything in a scene: each button has the hotspot's marker and
 * accessible name and activates the hotspot. Its buttons carry `data-thing-id` (the hotspot's
 * id), not `data-hotspot-id`, so selectors of the panorama's buttons stay unambiguous.
 * @module scene-list
 */
import { el } from "./dom.js";
import { hotspotKind, hotspotMarker, setHotspotName } from "./hotspots.js";

/**
 * Open the list of a scene's hotspots.
 * @param {import("./dialogs.js").DialogHost} dialogs
 * @param {Object} spec
 * @param {{text: string, lang: string}} spec.title The dialog's heading.
 * @param {Object[]} spec.spots The scene's hotspots, in author order.
 * @param {function(Object):import("./hotspots.js").HotspotTexts} spec.describe Texts of a hotspot.
 * @param {string} spec.lang The current language.
 * @param {string} spec.emptyText Said when the scene has no hotspots.
 * @param {function(Object):void} spec.onChoose A hotspot's button was pressed (the list is
 *   still open: the callback closes it or replaces it).
 * @returns {import("./dialogs.js").DialogHandle}
 */
export function openSceneList(dialogs, spec) {
  const { lang } = spec;
  const content = [];
  if (spec.spots.length) {
    const list = el("ul", { class: "tb-things" });
    for (const spot of spec.spots) {
      const label = el("span", { class: "tb-thing__label" });
      const kind = hotspotKind(spot);
      const button = el(
        "button",
        {
          type: "button",
          class: `tb-thing tb-thing--${kind}`,
          "data-thing-id": spot.id,
          "data-kind": spot.kind,
          "aria-haspopup": kind === "scene" ? null : "dialog",
        },
        [hotspotMarker(spot, "tb-thing__marker"), label],
      );
      setHotspotName(button, label, spec.describe(spot), lang);
      button.addEventListener("click", () => spec.onChoose(spot));
      list.appendChild(el("li", null, [button]));
    }
    content.push(list);
  } else {
    content.push(el("p", { class: "tb-text", text: spec.emptyText }));
  }
  return dialogs.open({ title: spec.title, content, kind: "scene-list" });
}
