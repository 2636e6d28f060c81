/**
 * Simple line icons drawn as inline SVG (no files, no fonts), always hidden
 * from assistive technology: the text next to them carries the meaning.
 * @module icons
 */

const SVG_NS = "http://www.w3.org/2000/svg";

/** Path data of each icon on a 24×24 grid, drawn with round strokes. */
export const ICON_PATHS = {
  scene: "M12 20V5M5 11.5l7-7 7 7",
  info: "M12 10.5V19M12 5.5v.5",
  media: "M3.5 5.5h17v13h-17zM3.5 15.5l5-5 4.5 4.5 3-3 4.5 4.5",
  video: "M8 5.5v13l10.5-6.5z",
  audio: "M4 9.5h3.5l5-4v13l-5-4H4zM16 9a4 4 0 0 1 0 6M18.5 6.5a7.5 7.5 0 0 1 0 11",
  quiz: "M8.5 8.5a3.5 3.5 0 1 1 5 3.2c-1 .5-1.5 1.2-1.5 2.3v.5M12 19v.5",
  close: "M6 6l12 12M18 6L6 18",
  fullscreen: "M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5",
  exitFullscreen: "M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5",
  finish: "M5.5 21V4M5.5 4h12l-2.5 4.5 2.5 4.5h-12",
  correct: "M5 12.5l4.5 4.5L19 7",
  wrong: "M6 6l12 12M18 6L6 18",
  list: "M9.5 6.5h10M9.5 12h10M9.5 17.5h10M4.5 6.5h.5M4.5 12h.5M4.5 17.5h.5",
  language: "M12 3a9 9 0 1 0 0 18 9 9 0 1 0 0-18zM3 12h18M12 3c3.5 3.5 3.5 14.5 0 18M12 3c-3.5 3.5-3.5 14.5 0 18",
};

/**
 * An icon element of the given path data (modules with icons of their own use this too).
 * @param {string} d SVG path data on the 24×24 grid.
 * @param {string} name Put in `data-icon`.
 * @param {string} [className]
 * @returns {SVGSVGElement}
 */
export function pathIcon(d, name, className) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "tb-icon" + (className ? " " + className : ""));
  svg.setAttribute("data-icon", name);
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", d);
  svg.appendChild(path);
  return svg;
}

/**
 * An icon element.
 * @param {keyof ICON_PATHS} name
 * @param {string} [className]
 * @returns {SVGSVGElement}
 */
export function icon(name, className) {
  return pathIcon(ICON_PATHS[name] || "", name, className);
}
