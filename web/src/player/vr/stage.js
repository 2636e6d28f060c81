/**
 * What VR and the cardboard mode share: the scene's hotspots as targets in space, dialogs as a
 * panel (the DialogHost's mirror), a "leave" button below the line of sight, and the pointing:
 * rays (the head's, the controllers') cast at them, the aimed-at ones drawn bigger or
 * yellow-edged, a reticle where the head looks, and gaze dwell: looking at the same target for
 * `gazeDwell` seconds (the reticle's ring fills) chooses it. After a choice, and when a panel
 * opens or closes or the scene changes, the gaze must first rest on nothing before it can
 * choose again, so that a panel or a new scene appearing under it does not choose at once.
 * @module vr/stage
 */
import { DoubleSide, Group, Mesh, MeshBasicMaterial, PlaneGeometry, Raycaster, RingGeometry, Vector3 } from "three";
import { DEG2RAD, direction } from "../angles.js";
import { canvasTexture, drawButton, makeCanvas } from "./draw.js";
import { DialogPanel } from "./panel.js";
import { HotspotTargets } from "./targets.js";

/** An open door with an arrow going out (24×24, drawn like icons.js). */
export const LEAVE_ICON = "M13 4.5h6v15h-6M10 8l-4 4 4 4M6 12h9";
const LEAVE_DISTANCE = 1.6;
const LEAVE_PITCH = -42;
const RETICLE_SEGMENTS = 48;

/**
 * @typedef {Object} Ray
 * @property {string} id e.g. "controller-right".
 * @property {Vector3} origin World coordinates.
 * @property {Vector3} direction Unit vector.
 */

/**
 * @typedef {Object} Hit
 * @property {string|null} key What is aimed at ("hotspot:<id>", "panel:<n>", "leave"); null
 *   for a part of the panel that does nothing.
 * @property {number} distance Metres.
 * @property {function():void} [action] Choosing it.
 */

export class VrStage {
  /**
   * @param {import("../player.js").TourPlayer} player
   * @param {Object} spec
   * @param {string} spec.leaveText The key of the leave button's text.
   * @param {function():void} spec.onLeave The leave button was chosen.
   * @param {number} [spec.panelDistance] Metres from the eye to a dialog's panel.
   */
  constructor(player, spec) {
    this.player = player;
    this.viewer = player.viewer;
    this.spec = spec;
    /** Seconds of looking that choose (0: gaze never chooses). */
    this.dwell = Math.max(0, Number(player.options.gazeDwell) || 0);
    this.hud = new Group();
    this.viewer.scene.add(this.hud);
    this.targets = new HotspotTargets(this.viewer.world);
    this.panel = new DialogPanel(this.hud, spec.panelDistance);
    this.leave = new Mesh(new PlaneGeometry(0.64, 0.18), new MeshBasicMaterial({ transparent: true, depthTest: false, depthWrite: false, toneMapped: false }));
    this.leave.renderOrder = 20;
    this.hud.add(this.leave);
    this.reticle = new Group();
    const ring = (inner, outer, colour) =>
      new Mesh(
        new RingGeometry(inner, outer, RETICLE_SEGMENTS, 1, Math.PI / 2, -Math.PI * 2),
        new MeshBasicMaterial({ color: colour, side: DoubleSide, transparent: true, depthTest: false, depthWrite: false, toneMapped: false }),
      );
    this.reticle.add(ring(0.008, 0.014, 0xffffff), ring(0.016, 0.026, 0x111111));
    this.progress = ring(0.016, 0.026, 0xffd200);
    this.reticle.add(this.progress);
    this.reticle.children.forEach((child, i) => {
      child.renderOrder = 30 + i;
    });
    this.hud.add(this.reticle);
    this.raycaster = new Raycaster();
    /** @type {Map<string, Hit|null>} The last frame's hits by ray id ("gaze" is the head's). */
    this.hits = new Map();
    this.headYaw = 0;
    this.headPitch = 0;
    this.dwellProgress = 0;
    this._leaveYaw = null;
    this._gaze = { key: null, time: 0, armed: false };
    this._forward = new Vector3();
    this._onScene = () => this.refresh();
    player.on("scenechange", this._onScene);
    player.on("languagechange", this._onScene);
    this.refresh();
    player.dialogs.setMirror(this);
  }

  /** Draw the current scene's targets and the leave button again (new scene, new language). */
  refresh() {
    const player = this.player;
    const scene = player.tour.scenes[player.getScene()];
    this.targets.set((scene && scene.hotspots) || [], (spot) => player._describeHotspot(spot).label.text);
    const { canvas, ctx } = makeCanvas(512, 144);
    drawButton(ctx, { x: 4, y: 4, w: 504, h: 136 }, { lines: [player._ui(this.spec.leaveText)], size: 38, icon: LEAVE_ICON });
    const old = this.leave.material.map;
    this.leave.material.map = canvasTexture(canvas);
    this.leave.material.needsUpdate = true;
    if (old) old.dispose();
    this._disarm();
  }

  // ---- the DialogHost's mirror ----

  /** @param {import("../dialogs.js").DialogHandle} handle */
  show(handle) {
    this.panel.show(handle, this.headYaw);
    this._disarm();
  }

  hide() {
    this.panel.hide();
    this._disarm();
  }

  /**
   * Follow the head and the rays for one frame: place the head-up things, find what each ray
   * hits, mark it, and run the gaze dwell.
   * @param {number} dt Seconds since the last frame.
   * @param {import("three").Object3D} head The camera, its world pose up to date.
   * @param {Ray[]} rays The controllers' rays.
   */
  update(dt, head, rays) {
    const forward = this._forward.set(0, 0, -1).applyQuaternion(head.quaternion);
    this.headYaw = Math.atan2(forward.x, -forward.z) / DEG2RAD;
    this.headPitch = Math.asin(Math.max(-1, Math.min(1, forward.y))) / DEG2RAD;
    this.hud.position.copy(head.position);
    // The leave button keeps below the heading, and stays put while one looks down to it.
    if (this._leaveYaw === null || this.headPitch > -22) this._leaveYaw = this.headYaw;
    const [x, y, z] = direction(this._leaveYaw, LEAVE_PITCH);
    this.leave.position.set(x * LEAVE_DISTANCE, y * LEAVE_DISTANCE, z * LEAVE_DISTANCE);
    this.leave.rotation.set(LEAVE_PITCH * DEG2RAD, -this._leaveYaw * DEG2RAD, 0, "YXZ");
    this.panel.update(performance.now());
    this.viewer.scene.updateMatrixWorld();

    const gaze = this._cast(head.position, forward);
    this.hits = new Map([["gaze", gaze]]);
    for (const ray of rays) this.hits.set(ray.id, this._cast(ray.origin, ray.direction));
    const hovered = new Set();
    for (const hit of this.hits.values()) if (hit && hit.key) hovered.add(hit.key);
    this.targets.style(hovered, this.panel.open);
    this.panel.hover(hovered);
    this.leave.scale.setScalar(hovered.has("leave") ? 1.15 : 1);

    // Gaze dwell.
    const state = this._gaze;
    const key = gaze && gaze.action ? gaze.key : null;
    if (!key) state.armed = true;
    if (key !== state.key) {
      state.key = key;
      state.time = 0;
    } else if (key && state.armed && this.dwell) {
      state.time += dt;
      if (state.time >= this.dwell) {
        state.time = 0;
        state.armed = false;
        gaze.action();
      }
    }
    const progress = key && state.armed && this.dwell ? Math.min(1, state.time / this.dwell) : 0;
    /** How far the reticle's ring is filled (0 to 1). */
    this.dwellProgress = progress;
    this.progress.geometry.setDrawRange(0, 6 * Math.round(progress * RETICLE_SEGMENTS));
    const distance = gaze ? Math.min(gaze.distance * 0.95, 3) : 3;
    this.reticle.position.copy(forward).multiplyScalar(distance);
    this.reticle.quaternion.copy(head.quaternion);
    this.reticle.scale.setScalar(distance);
  }

  /**
   * Choose what a ray points at now (a controller's select, a tap in the cardboard mode).
   * @param {{origin: Vector3, direction: Vector3}} ray
   * @returns {string|null} The key chosen.
   */
  select(ray) {
    this.viewer.scene.updateMatrixWorld();
    const hit = this._cast(ray.origin, ray.direction);
    if (!hit || !hit.action) return null;
    hit.action();
    return hit.key;
  }

  /**
   * Everything that can be chosen now, with its place in world coordinates (three.js world
   * = the XR reference space): for diagnostics and tests.
   * @returns {Array<{key: string, label: string, position: {x: number, y: number, z: number}}>}
   */
  describe() {
    this.viewer.scene.updateMatrixWorld();
    const out = [];
    if (!this.panel.open) {
      for (const item of this.targets.items) {
        out.push({ key: item.key, label: item.spot.id, position: item.mesh.getWorldPosition(new Vector3()) });
      }
    }
    out.push(...this.panel.describe());
    out.push({ key: "leave", label: "leave", position: this.leave.getWorldPosition(new Vector3()) });
    return out.map((t) => ({ key: t.key, label: t.label, position: { x: t.position.x, y: t.position.y, z: t.position.z } }));
  }

  dispose() {
    this.player.off("scenechange", this._onScene);
    this.player.off("languagechange", this._onScene);
    if (this.player.dialogs.mirror === this) this.player.dialogs.setMirror(null);
    this.targets.dispose();
    this.panel.dispose();
    this.hud.traverse((node) => {
      if (!node.isMesh) return;
      node.geometry.dispose();
      if (node.material.map) node.material.map.dispose();
      node.material.dispose();
    });
    this.hud.removeFromParent();
  }

  /** The gaze must rest on nothing before it chooses again. */
  _disarm() {
    this._gaze.armed = false;
    this._gaze.time = 0;
  }

  /** The nearest thing a ray hits: the panel while one is open (else the targets), the leave button. */
  _cast(origin, dir) {
    this.raycaster.set(origin, dir);
    const objects = [this.leave];
    if (this.panel.open) objects.push(this.panel.mesh);
    else for (const item of this.targets.items) objects.push(item.mesh);
    for (const hit of this.raycaster.intersectObjects(objects, false)) {
      const distance = hit.distance;
      if (hit.object === this.leave) return { key: "leave", distance, action: () => this.spec.onLeave() };
      if (hit.object === this.panel.mesh) {
        const region = this.panel.regionAt(hit.uv);
        return region ? { key: region.key, distance, action: region.action } : { key: null, distance };
      }
      const item = this.targets.items.find((i) => i.mesh === hit.object);
      if (item) return { key: item.key, distance, action: () => this.player.activateHotspot(item.spot.id) };
    }
    return null;
  }
}
