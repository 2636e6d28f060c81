/**
 * Drawing on 2D canvases for the things shown in space (hotspot targets, panels, buttons):
 * text in the player's fonts, wrapped; rounded boxes; the icons of icons.js; canvas textures.
 * @module vr/draw
 */
import { CanvasTexture, LinearFilter, SRGBColorSpace } from "three";
import { ICON_PATHS } from "../icons.js";

/** The player's font stack (player.css), so Mongolian Cyrillic reads as on the page. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif';

/** Colours of the page: the focus yellow, button and panel greys, hotspot kinds. */
export const COLOURS = {
  focus: "#ffd200",
  panel: "#15181c",
  button: "#2b3038",
  buttonHover: "#3d4550",
  edge: "#9aa6b2",
  text: "#ffffff",
  dim: "#b8c0c8",
  scene: "#ffd200",
  info: "#7fd3ff",
  media: "#9be59b",
  quiz: "#ffa94d",
};

/**
 * A canvas and its 2D context.
 * @param {number} width
 * @param {number} height
 * @returns {{canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D}}
 */
export function makeCanvas(width, height) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return { canvas, ctx: canvas.getContext("2d") };
}

/**
 * A texture of a canvas (sRGB, mipmapped: it is seen from afar and at an angle).
 * @param {HTMLCanvasElement} canvas
 * @returns {CanvasTexture}
 */
export function canvasTexture(canvas) {
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  texture.magFilter = LinearFilter;
  return texture;
}

/**
 * Set the font.
 * @param {CanvasRenderingContext2D} ctx
 * @param {number} size Pixels.
 * @param {boolean} [bold]
 */
export function setFont(ctx, size, bold) {
  ctx.font = `${bold ? 700 : 400} ${size}px ${FONT}`;
}

/**
 * Break a text into lines that fit a width (at spaces; a word too long alone is cut).
 * @param {CanvasRenderingContext2D} ctx With the font set.
 * @param {string} text
 * @param {number} width
 * @returns {string[]}
 */
export function wrapText(ctx, text, width) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width <= width) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (ctx.measureText(line).width > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && ctx.measureText(line.slice(0, cut)).width > width) cut -= 1;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A rounded rectangle path.
 * @param {CanvasRenderingContext2D} ctx
 */
export function roundRect(ctx, x, y, w, h, r) {
  const radius = Math.min(r, w / 2, h / 2);
  ctx.beginPath();
  ctx.moveTo(x + radius, y);
  ctx.arcTo(x + w, y, x + w, y + h, radius);
  ctx.arcTo(x + w, y + h, x, y + h, radius);
  ctx.arcTo(x, y + h, x, y, radius);
  ctx.arcTo(x, y, x + w, y, radius);
  ctx.closePath();
}

/**
 * Draw an icon of icons.js (round strokes on its 24×24 grid), centred.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} name A key of ICON_PATHS, or path data.
 * @param {number} cx
 * @param {number} cy
 * @param {number} size Pixels.
 * @param {string} colour
 */
export function drawIcon(ctx, name, cx, cy, size, colour) {
  const scale = size / 24;
  ctx.save();
  ctx.translate(cx - size / 2, cy - size / 2);
  ctx.scale(scale, scale);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2.75;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.stroke(new Path2D(ICON_PATHS[name] || name));
  ctx.restore();
}

/**
 * Draw a button: a rounded box (yellow-edged when aimed at) with an optional icon and text.
 * @param {CanvasRenderingContext2D} ctx
 * @param {{x: number, y: number, w: number, h: number}} box
 * @param {Object} look
 * @param {string[]} look.lines Text lines (font already set by the caller's size).
 * @param {number} look.size Font size.
 * @param {string} [look.icon] An icon key or path drawn left of the text.
 * @param {boolean} [look.hover] Aimed at.
 * @param {boolean} [look.disabled]
 * @param {boolean} [look.primary] The main action (blue).
 * @param {string} [look.align] "left" (default: "center").
 * @param {number} [look.indent] Extra room left of the text (e.g. for a check box).
 */
export function drawButton(ctx, box, look) {
  const { x, y, w, h } = box;
  ctx.save();
  ctx.globalAlpha = look.disabled ? 0.5 : 1;
  roundRect(ctx, x, y, w, h, 14);
  ctx.fillStyle = look.hover ? COLOURS.buttonHover : look.primary ? "#0b57d0" : COLOURS.button;
  ctx.fill();
  ctx.lineWidth = look.hover ? 8 : 3;
  ctx.strokeStyle = look.hover ? COLOURS.focus : look.primary ? "#0b57d0" : COLOURS.edge;
  ctx.stroke();
  const iconSize = look.icon ? look.size * 1.3 : 0;
  // A text too wide for the box is drawn smaller (down to 60 %).
  const room = w - 48 - (look.indent || 0) - (iconSize ? iconSize + look.size * 0.4 : 0);
  let size = look.size;
  let widest;
  for (;;) {
    setFont(ctx, size, true);
    widest = Math.max(0, ...look.lines.map((l) => ctx.measureText(l).width));
    if (widest <= room || size <= look.size * 0.6) break;
    size -= 2;
  }
  ctx.fillStyle = COLOURS.text;
  ctx.textBaseline = "middle";
  const lineHeight = size * 1.25;
  const left = look.align === "left";
  const contentWidth = iconSize + (iconSize && widest ? look.size * 0.4 : 0) + widest;
  let cx = left ? x + 24 + (look.indent || 0) : x + (w - contentWidth) / 2;
  if (look.icon) {
    drawIcon(ctx, look.icon, cx + iconSize / 2, y + h / 2, iconSize, COLOURS.text);
    cx += iconSize + look.size * 0.4;
  }
  ctx.textAlign = "left";
  const top = y + h / 2 - ((look.lines.length - 1) * lineHeight) / 2;
  look.lines.forEach((line, i) => ctx.fillText(line, cx, top + i * lineHeight));
  ctx.restore();
}
