/**
 * The contents of info and media dialogs. Tour texts are set with textContent; the one rich
 * text (an info hotspot's) is rebuilt element by element from an inert parse (see paragraphs).
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

/** Elements a rich text may hold (the model's subset, tourbuilder/model/richtext.py). */
const RICH_TAGS = new Set(["p", "br", "strong", "em", "ul", "ol", "li", "a"]);
/** Elements dropped with their content (never shown as text either). */
const DROPPED = new Set(["script", "style", "template", "iframe", "object", "embed", "noscript", "textarea", "title", "svg", "math"]);
/** Blocks at the top of a rich text; anything else there is gathered into a paragraph. */
const BLOCKS = new Set(["p", "ul", "ol"]);
const LINK = /^(https?|mailto):/i;

/**
 * The link a rich text may carry, or null: an absolute https:, http: or mailto: URL.
 * @param {string|null} href
 * @returns {string|null}
 */
export function safeHref(href) {
  const value = (href || "").trim();
  if (!LINK.test(value)) return null;
  try {
    const url = new URL(value);
    return ["https:", "http:", "mailto:"].includes(url.protocol) ? value : null;
  } catch (err) {
    return null;
  }
}

/** A copy of a parsed node with only the allowed elements and attributes (null: nothing to show). */
function rebuild(node) {
  if (node.nodeType === 3) return document.createTextNode(node.data.replace(/\s+/g, " "));
  if (node.nodeType !== 1) return null; // comments, processing instructions
  const tag = node.localName;
  if (DROPPED.has(tag) || node.namespaceURI !== "http://www.w3.org/1999/xhtml") return null;
  const children = [];
  for (const child of node.childNodes) {
    const copy = rebuild(child);
    if (copy) children.push(copy);
  }
  if (!RICH_TAGS.has(tag)) {
    // An element outside the subset: its text stays, the element does not.
    const fragment = document.createDocumentFragment();
    for (const child of children) fragment.appendChild(child);
    return fragment;
  }
  const copy = document.createElement(tag);
  if (tag === "a") {
    const href = safeHref(node.getAttribute("href"));
    if (href) {
      copy.setAttribute("href", href);
      copy.setAttribute("rel", "noopener");
      copy.setAttribute("target", "_blank");
    }
  }
  for (const child of children) copy.appendChild(child);
  return copy;
}

/**
 * The elements of a rich text (an info hotspot's text: the HTML subset p, br, strong, em, ul,
 * ol, li, a href). The text is parsed into an inert document (nothing runs, nothing loads) and
 * rebuilt with only the allowed elements and attributes; it is never assigned as HTML. Inline
 * content at the top is gathered into paragraphs. The server sanitises the same subset on save
 * and on export: this is the second line of defence.
 * @param {{text: string, lang: string}} local
 * @param {string} pageLang
 * @returns {HTMLElement[]} Paragraphs and lists, each marked with `lang` when the text is a fallback.
 */
export function paragraphs(local, pageLang) {
  const parsed = new DOMParser().parseFromString(local.text || "", "text/html");
  const blocks = [];
  let open = null;
  for (const child of Array.from(parsed.body.childNodes)) {
    const copy = rebuild(child);
    if (!copy) continue;
    const nodes = copy.nodeType === 11 ? Array.from(copy.childNodes) : [copy];
    for (const node of nodes) {
      if (node.nodeType === 1 && BLOCKS.has(node.localName)) {
        open = null;
        blocks.push(node);
      } else {
        if (!open) {
          open = document.createElement("p");
          blocks.push(open);
        }
        open.appendChild(node);
      }
    }
  }
  return blocks
    .filter((block) => block.textContent.trim())
    .map((block) => {
      block.classList.add("tb-text");
      if (local.lang && local.lang !== pageLang) block.setAttribute("lang", local.lang);
      return block;
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
