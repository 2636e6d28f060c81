/**
 * A dialog as a panel in space (VR and cardboard), mirrored from the DOM dialog that
 * DialogHost built (the source of truth): its title and close button, the text of its body,
 * its pictures, and each of its controls (buttons, radio buttons, check boxes, links, a
 * video's or sound's play button) as a button in the panel that clicks the DOM element. The
 * panel is drawn again whenever the dialog changes (MutationObserver; change, input and load
 * events), so any form the quiz builds works in space with no code of its own. Content taller
 * than a page is shown a page at a time, with previous/next buttons.
 * @module vr/panel
 */
import { Group, Mesh, MeshBasicMaterial, PlaneGeometry, Vector3 } from "three";
import { DEG2RAD, direction } from "../angles.js";
import { COLOURS, canvasTexture, drawButton, drawIcon, makeCanvas, roundRect, setFont, wrapText } from "./draw.js";

/** Metres from the eye. */
export const PANEL_DISTANCE = 2.2;
/** Width in metres (the canvas is 1024 px: ~24 px a degree at 2.2 m, a headset's sharpness). */
const WORLD_WIDTH = 1.4;
const W = 1024;
const PAD = 40;
const CONTENT = W - 2 * PAD;
/** Body pixels a page holds. */
const PAGE = 820;
const TEXT = 34;
const BUTTON_H = 84;
const GAP = 18;
const CONTROLS =
  'button, a[href], input, select, textarea, [role="button"], [role="radio"], [role="checkbox"], [role="link"], [role="option"]';
const INLINE = /^(a|abbr|b|bdi|bdo|cite|code|data|em|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var|output)$/;
const PREVIOUS = "M15 5l-7 7 7 7";
const NEXT = "M9 5l7 7-7 7";
const PAUSE = "M8 5.5v13M16 5.5v13";

let keyCounter = 0;
const keys = new WeakMap();
/** A key of an element that stays the same while the dialog is drawn again. */
function keyOf(node) {
  if (!keys.has(node)) keys.set(node, `panel:${++keyCounter}`);
  return keys.get(node);
}

/** Whether an element is not shown (or, with `names`, not even read out). */
function skipped(node, names) {
  if (node.hidden || node.getAttribute("aria-hidden") === "true") return true;
  if (/^(script|style|template|svg)$/.test(node.localName)) return true;
  if (!names && node.classList.contains("tb-visually-hidden")) return true;
  return getComputedStyle(node).display === "none";
}

/** The text of an element as seen (or, with `names`, as read out), with spaces made single. */
function textOf(node, names) {
  let text = "";
  for (const child of node.childNodes) {
    if (child.nodeType === 3) text += child.data;
    else if (child.nodeType === 1 && !skipped(child, names) && !/^(input|select|textarea)$/.test(child.localName)) {
      text += " " + textOf(child, names) + " ";
    }
  }
  return text.replace(/\s+/g, " ").trim();
}

/** The name of a control: aria-label, its labels, else its text. */
function nameOf(node) {
  const label = node.getAttribute("aria-label");
  if (label) return label;
  const labels = node.labels && node.labels.length ? Array.from(node.labels) : [];
  if (labels.length) return labels.map((l) => textOf(l, true)).join(" ");
  return textOf(node, true) || node.value || node.getAttribute("title") || "";
}

/**
 * What a dialog's body holds, in reading order: texts (paragraphs and headings), pictures,
 * media and controls.
 * @param {HTMLElement} root
 * @returns {Object[]}
 */
export function readDialog(root) {
  const items = [];
  const done = new Set();
  let text = "";
  let heading = false;
  const flush = () => {
    const t = text.replace(/\s+/g, " ").trim();
    if (t) items.push({ type: "text", text: t, heading });
    text = "";
  };
  const control = (node, label) => {
    done.add(node);
    for (const l of node.labels || []) done.add(l);
    if (label) done.add(label);
    const role = node.getAttribute("role");
    const type = node.localName === "input" ? node.type : "";
    let kind = "button";
    if (type === "radio" || type === "checkbox") kind = type;
    else if (role === "radio" || role === "checkbox") kind = role;
    else if (/^(select|textarea)$/.test(node.localName) || (type && !/^(button|submit|reset)$/.test(type))) kind = "field";
    items.push({
      type: "control",
      el: node,
      kind,
      label: label ? textOf(label, true) : nameOf(node),
      value: kind === "field" ? node.value : "",
      checked: !!node.checked || node.getAttribute("aria-checked") === "true" || node.getAttribute("aria-pressed") === "true",
      disabled: !!node.disabled || node.getAttribute("aria-disabled") === "true",
      primary: node.classList.contains("tb-button--primary"),
      image: (label || node).querySelector("img"),
    });
  };
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) {
        text += child.data;
        continue;
      }
      if (child.nodeType !== 1 || done.has(child) || skipped(child)) continue;
      const tag = child.localName;
      if (child.matches(CONTROLS)) {
        flush();
        control(child);
      } else if (tag === "label" && child.control && !done.has(child.control)) {
        flush();
        control(child.control, child);
      } else if (tag === "img" || tag === "video" || tag === "audio") {
        flush();
        items.push({ type: tag === "img" ? "image" : "media", el: child });
      } else if (INLINE.test(tag) && !child.querySelector(`${CONTROLS}, img, video, audio, label`)) {
        text += " " + textOf(child) + " ";
      } else {
        flush();
        const outer = heading;
        heading = heading || /^(h[1-6]|legend|caption|dt)$/.test(tag);
        walk(child);
        flush();
        heading = outer;
      }
    }
  };
  walk(root);
  flush();
  return items;
}

/** Whether a URL is of this document's origin (never in an opaque origin, e.g. from a folder). */
function sameOrigin(url) {
  try {
    return !!url && new URL(url, document.baseURI).origin === window.origin;
  } catch (err) {
    return false;
  }
}

/** Pictures of the dialog as a canvas may draw them (a CORS copy; none from a folder). */
const pictures = new Map();
function picture(node, onLoad) {
  const src = node.currentSrc || node.src;
  if (!src || window.location.protocol === "file:") return null;
  let entry = pictures.get(src);
  if (!entry) {
    const img = new Image();
    entry = { img, state: "loading" };
    img.crossOrigin = "anonymous";
    img.onload = () => {
      entry.state = "ready";
      onLoad();
    };
    img.onerror = () => {
      entry.state = "failed";
      onLoad();
    };
    img.src = src;
    pictures.set(src, entry);
  }
  return entry;
}

/** The dialog panel: one at a time, in the head-up group. */
export class DialogPanel {
  /**
   * @param {import("three").Object3D} parent The group that follows the head's position.
   * @param {number} [distance] Metres from the eye (default PANEL_DISTANCE).
   */
  constructor(parent, distance) {
    this.distance = distance || PANEL_DISTANCE;
    this.group = new Group();
    this.group.visible = false;
    parent.add(this.group);
    this.material = new MeshBasicMaterial({ transparent: true, depthTest: false, depthWrite: false, toneMapped: false });
    this.mesh = new Mesh(new PlaneGeometry(1, 1), this.material);
    this.mesh.renderOrder = 20;
    this.group.add(this.mesh);
    this.handle = null;
    this.page = 0;
    this.pages = [];
    this.regions = [];
    this.hovered = new Set();
    this.dirty = false;
    this._canvas = null;
    this._drawn = 0;
    this._laidOut = 0;
    this._observer = new MutationObserver(() => this.invalidate());
    this._onEvent = () => this.invalidate();
  }

  /** Whether a dialog is shown. */
  get open() {
    return this.handle !== null;
  }

  /**
   * Show a dialog in front of a direction.
   * @param {import("../dialogs.js").DialogHandle} handle
   * @param {number} yaw Degrees (the head's yaw in the group's frame).
   */
  show(handle, yaw) {
    this.hide();
    this.handle = handle;
    this.page = 0;
    this._observer.observe(handle.dialog, { subtree: true, childList: true, attributes: true, characterData: true });
    for (const type of ["change", "input", "load", "error", "play", "pause"]) {
      handle.dialog.addEventListener(type, this._onEvent, true);
    }
    const pitch = -6;
    const [x, y, z] = direction(yaw, pitch);
    this.group.position.set(x * this.distance, y * this.distance, z * this.distance);
    this.group.rotation.set(pitch * DEG2RAD, -yaw * DEG2RAD, 0, "YXZ");
    this.invalidate();
    this._laidOut = 0;
    this.update(performance.now());
    this.group.visible = true;
  }

  /** Take the panel away (the DOM dialog is left as it is). */
  hide() {
    if (!this.handle) return;
    this._observer.disconnect();
    for (const type of ["change", "input", "load", "error", "play", "pause"]) {
      this.handle.dialog.removeEventListener(type, this._onEvent, true);
    }
    this.handle = null;
    this.regions = [];
    this.group.visible = false;
  }

  /** The dialog changed: lay it out again soon. */
  invalidate() {
    this.dirty = true;
  }

  /**
   * Lay out and draw when needed (called at every frame).
   * @param {number} now Milliseconds.
   */
  update(now) {
    if (!this.handle) return;
    if (this.dirty && now - this._laidOut > 60) {
      this.dirty = false;
      this._laidOut = now;
      this._layout();
      this._paint(now);
    } else if (this._playing && now - this._drawn > 100) {
      this._paint(now);
    }
  }

  /**
   * Mark the regions aimed at (drawn yellow-edged).
   * @param {Set<string>} keys
   */
  hover(keys) {
    const mine = new Set(Array.from(keys).filter((k) => this.regions.some((r) => r.key === k)));
    if (mine.size === this.hovered.size && Array.from(mine).every((k) => this.hovered.has(k))) return;
    this.hovered = mine;
    if (this.handle) this._paint(performance.now());
  }

  /**
   * The region of the panel at a texture coordinate.
   * @param {{x: number, y: number}} uv
   * @returns {Object|null} `{key, label, action}`, or null where nothing can be chosen.
   */
  regionAt(uv) {
    const px = uv.x * W;
    const py = (1 - uv.y) * this._height;
    return this.regions.find((r) => !r.disabled && px >= r.x && px <= r.x + r.w && py >= r.y && py <= r.y + r.h) || null;
  }

  /**
   * The choosable regions with their centres in world coordinates (diagnostics and tests).
   * @returns {Array<{key: string, label: string, position: Vector3}>}
   */
  describe() {
    this.mesh.updateWorldMatrix(true, false);
    return this.regions
      .filter((r) => !r.disabled)
      .map((r) => ({
        key: r.key,
        label: r.label,
        position: this.mesh.localToWorld(new Vector3((r.x + r.w / 2) / W - 0.5, 0.5 - (r.y + r.h / 2) / this._height, 0)),
      }));
  }

  dispose() {
    this.hide();
    this.group.removeFromParent();
    this.mesh.geometry.dispose();
    if (this.material.map) this.material.map.dispose();
    this.material.dispose();
  }

  // ---- layout: blocks with positions on one long column, then cut into pages ----

  _layout() {
    const { ctx } = this._measure || (this._measure = makeCanvas(8, 8));
    const dialog = this.handle.dialog;
    const titleNode = dialog.querySelector(".tb-dialog__title");
    const closeNode = dialog.querySelector("[data-dialog-close]");
    // Header: the title, the close button at its right.
    setFont(ctx, 32, true);
    const closeLabel = closeNode ? nameOf(closeNode) : "";
    const closeW = closeNode ? Math.ceil(ctx.measureText(closeLabel).width) + 110 : 0;
    setFont(ctx, 44, true);
    const titleLines = wrapText(ctx, titleNode ? textOf(titleNode) : "", CONTENT - closeW - 24);
    const header = [];
    titleLines.forEach((line, i) => header.push({ draw: (c) => this._text(c, line, PAD, PAD + 27 + i * 54, 44, true) }));
    if (closeNode) {
      header.push({ region: this._control({ el: closeNode, kind: "button", label: closeLabel, icon: "close" }, W - PAD - closeW, PAD, closeW, BUTTON_H - 8, [closeLabel]) });
    }
    this._headerH = PAD + Math.max(titleLines.length * 54, BUTTON_H - 8) + 28;
    /** What the panel says, in order (diagnostics and tests). */
    this.lines = [titleNode ? textOf(titleNode) : "", closeLabel];

    // Body: one column.
    const blocks = [];
    let y = 0;
    let row = null; // buttons side by side while they fit
    const endRow = () => {
      if (row) y += BUTTON_H + GAP;
      row = null;
    };
    const items = readDialog(this.handle.body);
    this._playing = false;
    for (const item of items) {
      this.lines.push(item.type === "text" ? item.text : item.type === "control" ? item.label : item.el.getAttribute("alt") || "");
      if (item.type === "text") {
        endRow();
        const size = item.heading ? TEXT + 4 : TEXT;
        setFont(ctx, size, item.heading);
        for (const line of wrapText(ctx, item.text, CONTENT)) {
          const top = y;
          blocks.push({ y: top, h: size * 1.35, draw: (c, dy) => this._text(c, line, PAD, dy + top + size * 0.68, size, item.heading) });
          y += size * 1.35;
        }
        y += GAP;
      } else if (item.type === "image" || (item.type === "media" && item.el.localName === "video")) {
        endRow();
        y = this._picture(item.el, blocks, y);
        if (item.type === "media") y = this._mediaButton(item.el, blocks, y, ctx);
      } else if (item.type === "media") {
        endRow();
        y = this._mediaButton(item.el, blocks, y, ctx);
      } else if (item.kind === "button") {
        setFont(ctx, 32, true);
        const lines = wrapText(ctx, item.label, CONTENT - 60).slice(0, 2);
        const w = Math.min(CONTENT, Math.max(160, Math.max(...lines.map((l) => ctx.measureText(l).width)) + 60 + (item.image ? 130 : 0)));
        if (!row || row.x + w > CONTENT) {
          endRow();
          row = { x: 0 };
        }
        const top = y;
        const left = PAD + row.x;
        blocks.push({ y: top, h: BUTTON_H, region: this._control(item, left, top, w, BUTTON_H, lines) });
        row.x += w + GAP;
      } else {
        endRow();
        setFont(ctx, 32, item.kind !== "field");
        const label = item.kind === "field" ? `${item.label}: ${item.value || "…"}` : item.label;
        const lines = wrapText(ctx, label, CONTENT - 110 - (item.image ? 130 : 0)).slice(0, 3);
        const h = Math.max(BUTTON_H, lines.length * 40 + 34, item.image ? 120 : 0);
        blocks.push({ y, h, region: this._control(item, PAD, y, CONTENT, h, lines) });
        y += h + 12;
      }
    }
    endRow();

    // Pages: a block that would end below the page starts the next one.
    const pages = [{ start: 0, blocks: [], height: 0 }];
    for (const block of blocks) {
      let page = pages[pages.length - 1];
      if (page.blocks.length && block.y + block.h - page.start > PAGE) {
        page = { start: block.y, blocks: [], height: 0 };
        pages.push(page);
      }
      page.blocks.push(block);
      page.height = Math.max(page.height, block.y + block.h - page.start);
    }
    this.pages = pages;
    this.page = Math.min(this.page, pages.length - 1);
    this._header = header;
    const body = Math.max(...pages.map((p) => p.height), 40);
    const height = Math.ceil(this._headerH + body + (pages.length > 1 ? BUTTON_H + 2 * GAP : 0) + PAD);
    if (!this._canvas || this._canvas.height !== height) {
      const { canvas } = makeCanvas(W, height);
      this._canvas = canvas;
      if (this.material.map) this.material.map.dispose();
      this.material.map = canvasTexture(canvas);
      this.material.needsUpdate = true;
      this._height = height;
      this.mesh.scale.set(WORLD_WIDTH, (WORLD_WIDTH * height) / W, 1);
    }
  }

  /** A control's region: where it is, how it looks, what choosing it does. */
  _control(item, x, y, w, h, lines) {
    const node = item.el;
    return {
      key: keyOf(node),
      label: item.label,
      x,
      y,
      w,
      h,
      disabled: item.disabled || item.kind === "field",
      action: () => {
        if (node.isConnected && !node.disabled) node.click();
      },
      draw: (c, dy, hover) => {
        const box = { x, y: y + dy, w, h };
        const check = item.kind === "radio" || item.kind === "checkbox";
        drawButton(c, box, {
          lines,
          size: 32,
          hover,
          disabled: item.disabled,
          primary: item.primary,
          icon: item.icon,
          align: item.kind === "button" && !item.image ? "center" : "left",
          indent: (check ? 56 : 0) + (item.image ? 130 : 0),
        });
        if (check) this._check(c, x + 48, y + dy + h / 2, item.kind === "radio", item.checked);
        const entry = item.image && picture(item.image, () => this.invalidate());
        if (entry && entry.state === "ready") {
          const size = Math.min(h - 16, 110);
          c.drawImage(entry.img, x + (check ? 80 : 20), y + dy + (h - size) / 2, size, size);
        }
      },
    };
  }

  _check(c, cx, cy, round, checked) {
    c.save();
    c.lineWidth = 4;
    c.strokeStyle = COLOURS.text;
    c.fillStyle = COLOURS.text;
    c.beginPath();
    if (round) c.arc(cx, cy, 16, 0, Math.PI * 2);
    else roundRect(c, cx - 16, cy - 16, 32, 32, 4);
    c.stroke();
    if (checked && round) {
      c.beginPath();
      c.arc(cx, cy, 8, 0, Math.PI * 2);
      c.fill();
    } else if (checked) {
      drawIcon(c, "correct", cx, cy, 30, COLOURS.focus);
    }
    c.restore();
  }

  _picture(node, blocks, y) {
    const video = node.localName === "video";
    const entry = video ? null : picture(node, () => this.invalidate());
    // A video's frames only from this page's own origin (another would taint the canvas).
    const ownVideo = video && sameOrigin(node.currentSrc || node.src);
    const source = video ? (ownVideo ? node : null) : entry && entry.state === "ready" ? entry.img : null;
    const width = source && (video ? node.videoWidth : source.naturalWidth);
    const height = source && (video ? node.videoHeight : source.naturalHeight);
    if (!width || !height) {
      const alt = node.getAttribute("alt") || "";
      if (!alt && !(entry && entry.state === "loading")) return y;
      const top = y;
      blocks.push({ y: top, h: 120, draw: (c, dy) => this._placeholder(c, alt, top + dy) });
      return y + 120 + GAP;
    }
    const scale = Math.min(CONTENT / width, 420 / height, 2);
    const w = width * scale;
    const h = height * scale;
    const top = y;
    if (video) this._playing = !node.paused;
    blocks.push({ y: top, h, draw: (c, dy) => c.drawImage(source, PAD + (CONTENT - w) / 2, top + dy, w, h) });
    return y + h + GAP;
  }

  _placeholder(c, alt, y) {
    roundRect(c, PAD, y, CONTENT, 120, 10);
    c.fillStyle = "#23272e";
    c.fill();
    if (alt) this._text(c, alt, PAD + 24, y + 60, 30, false, COLOURS.dim);
  }

  /** The play / pause button of a video or a sound. */
  _mediaButton(node, blocks, y, ctx) {
    setFont(ctx, 32, true);
    const item = { el: { click: () => (node.paused ? node.play().catch(() => {}) : node.pause()), isConnected: true }, kind: "button", label: "" };
    keys.set(item.el, keyOf(node));
    item.icon = node.paused ? "video" : PAUSE;
    const top = y;
    blocks.push({ y: top, h: BUTTON_H, region: this._control(item, PAD, top, 160, BUTTON_H, []) });
    return y + BUTTON_H + GAP;
  }

  _text(c, line, x, y, size, bold, colour) {
    setFont(c, size, bold);
    c.fillStyle = colour || COLOURS.text;
    c.textAlign = "left";
    c.textBaseline = "middle";
    c.fillText(line, x, y);
  }

  // ---- drawing -------------------------------------------------------------------------

  _paint(now) {
    this._drawn = now;
    const canvas = this._canvas;
    const c = canvas.getContext("2d");
    const H = canvas.height;
    c.clearRect(0, 0, W, H);
    roundRect(c, 2, 2, W - 4, H - 4, 24);
    c.fillStyle = COLOURS.panel;
    c.fill();
    c.lineWidth = 4;
    c.strokeStyle = COLOURS.edge;
    c.stroke();
    c.fillStyle = "#3a414c";
    c.fillRect(PAD, this._headerH - 16, CONTENT, 3);
    const regions = [];
    const draw = (block, dy) => {
      if (block.region) {
        block.region.draw(c, dy, this.hovered.has(block.region.key));
        regions.push(Object.assign({}, block.region, { y: block.region.y + dy }));
      } else {
        block.draw(c, dy);
      }
    };
    for (const block of this._header) draw(block, 0);
    const page = this.pages[this.page];
    const dy = this._headerH - page.start;
    for (const block of page.blocks) draw(block, dy);
    if (this.pages.length > 1) {
      const y = H - PAD - BUTTON_H;
      const nav = (key, icon, x, enabled, step) => {
        const region = {
          key,
          label: key,
          x,
          y,
          w: 160,
          h: BUTTON_H,
          disabled: !enabled,
          action: () => {
            this.page = Math.max(0, Math.min(this.pages.length - 1, this.page + step));
            this._paint(performance.now());
          },
        };
        drawButton(c, region, { lines: [], size: 32, icon, hover: this.hovered.has(key), disabled: !enabled });
        regions.push(region);
      };
      nav("panel:previous", PREVIOUS, PAD, this.page > 0, -1);
      nav("panel:next", NEXT, W - PAD - 160, this.page < this.pages.length - 1, 1);
      c.textAlign = "center";
      c.textBaseline = "middle";
      setFont(c, 32, true);
      c.fillStyle = COLOURS.text;
      c.fillText(`${this.page + 1} / ${this.pages.length}`, W / 2, y + BUTTON_H / 2);
    }
    this.regions = regions;
    this.material.map.needsUpdate = true;
  }
}
