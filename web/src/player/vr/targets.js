/**
 * The current scene's hotspots as targets in space (VR and cardboard): each is its marker
 * (icon on the colour of its kind, as on the page) and its label, drawn on a canvas, at the
 * hotspot's world yaw and pitch, upright and facing the viewer.
 * @module vr/targets
 */
import { Group, Mesh, MeshBasicMaterial, PlaneGeometry } from "three";
import { DEG2RAD, direction } from "../angles.js";
import { hotspotIcon, hotspotKind } from "../hotspots.js";
import { COLOURS, canvasTexture, drawIcon, makeCanvas, roundRect, setFont, wrapText } from "./draw.js";

/** Metres from the eye (inside the cube of tiles, whose faces are 5 away). */
export const TARGET_DISTANCE = 4;
const CANVAS_W = 512;
const CANVAS_H = 320;
/** The marker's centre on the canvas: the hotspot's direction. */
const MARK_X = 256;
const MARK_Y = 76;
const MARK_R = 60;
/** World width of the canvas, metres (the marker is then ~3.4° across at 4 m). */
const WIDTH = 1.2;

/**
 * Draw a hotspot's marker and label.
 * @param {Object} spot
 * @param {string} label
 * @returns {HTMLCanvasElement}
 */
function drawTarget(spot, label) {
  const { canvas, ctx } = makeCanvas(CANVAS_W, CANVAS_H);
  ctx.beginPath();
  ctx.arc(MARK_X, MARK_Y, MARK_R + 8, 0, Math.PI * 2);
  ctx.fillStyle = "#fff";
  ctx.fill();
  ctx.beginPath();
  ctx.arc(MARK_X, MARK_Y, MARK_R, 0, Math.PI * 2);
  ctx.fillStyle = COLOURS[hotspotKind(spot)];
  ctx.fill();
  ctx.lineWidth = 6;
  ctx.strokeStyle = "#111";
  ctx.stroke();
  drawIcon(ctx, hotspotIcon(spot), MARK_X, MARK_Y, 72, "#111");
  setFont(ctx, 38, true);
  const lines = wrapText(ctx, label, CANVAS_W - 56).slice(0, 3);
  if (lines.length) {
    const lineHeight = 46;
    const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 40;
    const h = lines.length * lineHeight + 18;
    const top = MARK_Y + MARK_R + 24;
    roundRect(ctx, (CANVAS_W - w) / 2, top, w, h, 12);
    ctx.fillStyle = "#111";
    ctx.fill();
    ctx.lineWidth = 4;
    ctx.strokeStyle = "#fff";
    ctx.stroke();
    ctx.fillStyle = "#fff";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    lines.forEach((line, i) => ctx.fillText(line, CANVAS_W / 2, top + 9 + lineHeight * (i + 0.5)));
  }
  return canvas;
}

/** The hotspot targets of one scene, in a group turned with the world. */
export class HotspotTargets {
  /** @param {import("three").Object3D} parent The viewer's world group. */
  constructor(parent) {
    this.group = new Group();
    parent.add(this.group);
    this.geometry = new PlaneGeometry(WIDTH, (WIDTH * CANVAS_H) / CANVAS_W);
    // The marker's centre at the origin, so the mesh's position is the hotspot's direction.
    this.geometry.translate(0, ((MARK_Y - CANVAS_H / 2) * WIDTH) / CANVAS_W, 0);
    /** @type {Array<{spot: Object, mesh: Mesh, key: string}>} */
    this.items = [];
  }

  /**
   * Show a scene's hotspots.
   * @param {Object[]} spots
   * @param {function(Object):string} labelOf The visible label of a hotspot.
   */
  set(spots, labelOf) {
    this.clear();
    this.items = spots.map((spot) => {
      const material = new MeshBasicMaterial({
        map: canvasTexture(drawTarget(spot, labelOf(spot))),
        transparent: true,
        depthTest: false,
        depthWrite: false,
        toneMapped: false,
      });
      const mesh = new Mesh(this.geometry, material);
      const [x, y, z] = direction(spot.yaw, spot.pitch);
      mesh.position.set(x * TARGET_DISTANCE, y * TARGET_DISTANCE, z * TARGET_DISTANCE);
      // Turned like a camera looking at it from the centre: it faces the centre, upright.
      mesh.rotation.set(spot.pitch * DEG2RAD, -spot.yaw * DEG2RAD, 0, "YXZ");
      mesh.renderOrder = 10;
      this.group.add(mesh);
      return { spot, mesh, key: `hotspot:${spot.id}` };
    });
  }

  /**
   * Show them aimed at (bigger), or dimmed while a panel is open.
   * @param {Set<string>} hovered Keys aimed at.
   * @param {boolean} dimmed
   */
  style(hovered, dimmed) {
    for (const item of this.items) {
      item.mesh.scale.setScalar(!dimmed && hovered.has(item.key) ? 1.2 : 1);
      item.mesh.material.opacity = dimmed ? 0.35 : 1;
    }
  }

  /** Remove the targets (and free their textures). */
  clear() {
    for (const item of this.items) {
      this.group.remove(item.mesh);
      item.mesh.material.map.dispose();
      item.mesh.material.dispose();
    }
    this.items = [];
  }

  dispose() {
    this.clear();
    this.group.removeFromParent();
    this.geometry.dispose();
  }
}
