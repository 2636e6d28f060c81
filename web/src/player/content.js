/**
 * The contents of info and media dialogs, built from tour texts with
 * textContent only.
 * @module content
 */
import { el, setLocal } from "./dom.js";

const EXTENSIONS = {
  image: ["jpg", "jpeg", "png", "webp", "gif", "avif", "svg"],
  video: ["mp4", "m4v", "webm", "ogv", "mov"],
  audio: ["mp3", "m4a", "aac", "oga", "ogg", "opus", "wav", "flac"],
};

/**
 * Whether a media file is a picture, a video or a sound: by its MIME type when
 * known, else by its file name's extension.
 * @param {string} key The media key, e.g. "media/clip.mp4".
 * @param {string} [mimeType] e.g. "video/mp4".
 * @returns {"image"|"video"|"audio"|null}
 */
export function mediaKind(key, mimeType) {
  const major = (mimeType || "").split("/")[0];
  if (major === "image" || major === "video" || major === "audio") return major;
  const match = /\.([a-z0-9]+)$/i.exec(key || "");
  const ext = match ? match[1].toLowerCase() : "";
  for (const kind of Object.keys(EXTENSIONS)) {
    if (EXTENSIONS[kind].includes(ext)) return kind;
  }
  return null;
}

/**
 * Paragraph elements of a plain text: a blank line starts a new paragraph,
 * a single line break stays a line break.
 * @param {{text: string, lang: string}} local
 * @param {string} pageLang
 * @returns {HTMLElement[]}
 */
export function paragraphs(local, pageLang) {
  return local.text
    .split(/\r?\n\s*\r?\n/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const p = el("p", { class: "tb-text" });
      setLocal(p, { text: part, lang: local.lang }, pageLang);
      return p;
    });
}

/**
 * A picture, video or audio player (with the given caption) for a media file.
 * @param {Object} spec
 * @param {string} spec.url
 * @param {"image"|"video"|"audio"|null} spec.kind
 * @param {string} spec.alt Text alternative for a picture.
 * @param {{text: string, lang: string}|null} spec.caption
 * @param {string} spec.pageLang
 * @param {string} spec.errorText Shown when the file cannot be loaded or played.
 * @returns {HTMLElement} A `<figure>`.
 */
export function mediaFigure(spec) {
  const figure = el("figure", { class: "tb-figure" });
  const error = () => {
    if (figure.querySelector(".tb-error")) return;
    figure.insertBefore(el("p", { class: "tb-error", role: "alert", text: spec.errorText }), figure.firstChild);
  };
  let media;
  if (spec.kind === "image") {
    media = el("img", { src: spec.url, alt: spec.alt, class: "tb-media tb-media--image", decoding: "async" });
  } else if (spec.kind === "video") {
    media = el("video", { src: spec.url, controls: true, playsinline: true, preload: "metadata", class: "tb-media tb-media--video" });
  } else if (spec.kind === "audio") {
    media = el("audio", { src: spec.url, controls: true, preload: "metadata", class: "tb-media tb-media--audio" });
  }
  if (media) {
    media.addEventListener("error", error);
    figure.appendChild(media);
  } else {
    error();
  }
  if (spec.caption && spec.caption.text) {
    const caption = el("figcaption", { class: "tb-text" });
    setLocal(caption, spec.caption, spec.pageLang);
    figure.appendChild(caption);
  }
  return figure;
}
