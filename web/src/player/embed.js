/**
 * A tour shown inside another page (an `<iframe>`, e.g. in an LMS or a school's site) gets an
 * "open in a new window" link in its toolbar: the way out when the frame is small or its page
 * does not allow full screen or VR (`allow="fullscreen; xr-spatial-tracking"`).
 *
 * The link opens the same page at the top level. It is offered only without LMS tracking:
 * a SCORM package in a second window would start a second LMS session beside the first.
 * Its strings live here (mn, en), not in i18n.js.
 * @module embed
 */
import "./embed.css";
import { el } from "./dom.js";
import { pathIcon } from "./icons.js";
import { uiLanguage } from "./i18n.js";

/** Interface strings of this module, by language. */
export const EMBED_STRINGS = {
  mn: { openWindow: "Шинэ цонхонд нээх" },
  en: { openWindow: "Open in a new window" },
};

/** A box with an arrow leaving it (24×24, drawn like icons.js). */
const OPEN_ICON = "M13.5 4.5h6v6M19.5 4.5l-8 8M10 5.5H4.5v14h14V14";

/**
 * Whether this page is shown inside a frame (of any origin).
 * @param {Window} [win]
 * @returns {boolean}
 */
export function inFrame(win) {
  const w = win || window;
  try {
    return w.self !== w.top;
  } catch (err) {
    return true; // a cross-origin top window cannot even be compared on some browsers
  }
}

/**
 * Add the "open in a new window" link to the player's toolbar when the page is in a frame.
 * @param {import("./player.js").TourPlayer} player
 * @param {HTMLElement} root The player's root element.
 * @param {Object} config The player configuration (`tracking`).
 * @param {{force?: boolean}} [options] `force`: add it even outside a frame (tests).
 * @returns {HTMLAnchorElement|null} The link, or null when not offered.
 */
export function addOpenInNewWindow(player, root, config, options) {
  const tracking = (config && config.tracking) || "none";
  if (tracking !== "none" && tracking !== "local") return null;
  if (!inFrame() && !(options && options.force)) return null;
  const text = el("span", { class: "tb-button__text" });
  const link = el("a", {
    class: "tb-button tb-button--icon-narrow tb-open-window",
    href: window.location.href,
    target: "_blank",
    rel: "noopener",
    "data-action": "open-window",
  }, [pathIcon(OPEN_ICON, "open-window"), text]);
  const update = () => {
    const language = player.getLanguage();
    const lang = EMBED_STRINGS[uiLanguage(language)] ? uiLanguage(language) : "en";
    text.textContent = EMBED_STRINGS[lang].openWindow;
    if (lang !== language) link.setAttribute("lang", lang);
    else link.removeAttribute("lang");
  };
  // The page's address may change (e.g. a language in its query): open what is shown now.
  link.addEventListener("click", () => link.setAttribute("href", window.location.href));
  update();
  player.on("languagechange", update);
  const actions = root.querySelector(".tb-actions");
  if (actions) actions.appendChild(link);
  else root.insertBefore(link, root.firstChild);
  return link;
}
