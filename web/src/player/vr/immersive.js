/**
 * The immersive-vr session (WebXR, e.g. the Meta Quest browser): the panorama around the
 * learner at every frame of the headset (three.js's XR render loop), the world following the
 * head's position (a photo has no parallax) and turned so that the learner goes on facing the
 * view's heading; the controllers' rays (drawn as simple lines: no models from a CDN) and
 * select; the tiles of the level the headset's eyes need. The session's end (the leave button,
 * the system's own exit, or {@link Immersive#end}) gives the page its 2D view back, turned
 * where the head last looked.
 * @module vr/immersive
 */
import { BufferGeometry, Float32BufferAttribute, Line, LineBasicMaterial, PerspectiveCamera, Vector3 } from "three";
import { DEG2RAD, wrapYaw } from "../angles.js";
import { VrStage } from "./stage.js";

/** The session's options: a floor-level space where there is one (only the head's pose matters). */
const SESSION_INIT = { optionalFeatures: ["local-floor"] };
/** Frames between two choices of tiles (a headset draws 72-120 frames a second). */
const TILE_EVERY = 6;
const RAY_LENGTH = 5;

/** One immersive session, from the click that asks for it to its end. */
export class Immersive {
  /**
   * @param {import("../player.js").TourPlayer} player
   * @param {function():void} onEnd Called once the session has ended and the page is 2D again.
   */
  constructor(player, onEnd) {
    this.player = player;
    this.viewer = player.viewer;
    this.onEnd = onEnd;
    this.session = null;
    this.stage = null;
    /** XR frames drawn (for tests and diagnostics). */
    this.frames = 0;
    this._controllers = [];
    this._tileCamera = new PerspectiveCamera();
    this._origin = new Vector3();
    this._direction = new Vector3();
  }

  /**
   * Ask for the session: call this inside the click (browsers need the user's gesture).
   * @returns {Promise<void>} Settles once the session runs; rejected when refused.
   */
  start() {
    const request = navigator.xr.requestSession("immersive-vr", SESSION_INIT);
    return request.then((session) => this._begin(session));
  }

  /** End the session (the page becomes 2D once it has ended). */
  end() {
    if (this.session) this.session.end().catch(() => this._ended());
  }

  async _begin(session) {
    this.session = session;
    const xr = this.viewer.renderer.xr;
    const space = await session.requestReferenceSpace("local-floor").then(
      () => "local-floor",
      () => "local",
    );
    xr.enabled = true;
    xr.setReferenceSpaceType(space);
    try {
      await xr.setSession(session);
      if (xr.getSession() !== session) throw new Error("the XR session ended while starting");
    } catch (err) {
      xr.enabled = false;
      this.session = null;
      session.end().catch(() => {});
      throw err;
    }
    // After three.js's own "end" listener (added by setSession), so the renderer is 2D again first.
    session.addEventListener("end", () => this._ended(), { once: true });
    this._yawOffset = null;
    this._lastTime = 0;
    this.stage = new VrStage(this.player, { leaveText: "leaveVr", onLeave: () => this.end() });
    for (let i = 0; i < 2; i++) this._addController(i);
    this.viewer.setFrameLoop((time, frame) => this._frame(time, frame));
  }

  _addController(index) {
    const group = this.viewer.renderer.xr.getController(index);
    const geometry = new BufferGeometry();
    geometry.setAttribute("position", new Float32BufferAttribute([0, 0, 0, 0, 0, -1], 3));
    const line = new Line(geometry, new LineBasicMaterial({ color: 0xffffff, transparent: true, depthTest: false, toneMapped: false }));
    line.renderOrder = 25;
    line.visible = false;
    group.add(line);
    const entry = { group, line, source: null };
    entry.onConnected = (e) => {
      entry.source = e.data;
      line.visible = e.data.targetRayMode === "tracked-pointer";
    };
    entry.onDisconnected = () => {
      entry.source = null;
      line.visible = false;
    };
    entry.onSelect = () => {
      if (entry.source && this.stage) this.stage.select(this._ray(entry));
    };
    group.addEventListener("connected", entry.onConnected);
    group.addEventListener("disconnected", entry.onDisconnected);
    group.addEventListener("select", entry.onSelect);
    this.viewer.scene.add(group);
    this._controllers.push(entry);
  }

  /** A controller's ray now (its target ray space, in world coordinates). */
  _ray(entry) {
    const matrix = entry.group.matrix;
    return {
      id: `controller-${entry.source.handedness || "none"}`,
      origin: new Vector3().setFromMatrixPosition(matrix),
      direction: new Vector3(0, 0, -1).transformDirection(matrix),
    };
  }

  _frame(time, frame) {
    if (!this.session || !frame) return;
    const viewer = this.viewer;
    const xr = viewer.renderer.xr;
    const camera = viewer.camera;
    const dt = this._lastTime ? Math.min(0.25, (time - this._lastTime) / 1000) : 0;
    this._lastTime = time;
    xr.updateCamera(camera);
    const forward = this._direction.set(0, 0, -1).applyQuaternion(camera.quaternion);
    const headYaw = Math.atan2(forward.x, -forward.z) / DEG2RAD;
    // World yaw = head yaw + offset. The offset is set on the first frame (the learner goes on
    // facing the 2D view's heading) and whenever someone set the view's yaw meanwhile (a scene's
    // arrival, the API's lookAt): the learner then faces that yaw.
    if (this._yawOffset === null || Math.abs(wrapYaw(viewer.yaw - this._written)) > 0.01) {
      this._yawOffset = viewer.yaw - headYaw;
    }
    viewer.world.position.copy(camera.position);
    viewer.world.rotation.set(0, this._yawOffset * DEG2RAD, 0);
    viewer.yaw = wrapYaw(headYaw + this._yawOffset);
    viewer.pitch = Math.asin(Math.max(-1, Math.min(1, forward.y))) / DEG2RAD;
    this._written = viewer.yaw;

    const rays = [];
    for (const entry of this._controllers) {
      if (entry.source && entry.source.targetRayMode === "tracked-pointer") rays.push(Object.assign(this._ray(entry), { entry }));
    }
    this.stage.update(dt, camera, rays);
    for (const ray of rays) {
      const hit = this.stage.hits.get(ray.id);
      ray.entry.line.scale.z = hit ? hit.distance : RAY_LENGTH;
      ray.entry.line.material.color.set(hit && hit.key ? 0xffd200 : 0xffffff);
    }
    if (this.frames % TILE_EVERY === 0) this._updateTiles(camera);
    viewer.renderer.render(viewer.scene, camera);
    this.frames += 1;
  }

  /**
   * Tiles for the eyes: a camera at the head a bit wider than one eye's view (both eyes see
   * a little more than one), and the density of an eye's pixels.
   */
  _updateTiles(camera) {
    const xrCamera = this.viewer.renderer.xr.getCamera();
    const eye = xrCamera.cameras[0];
    if (!eye) return;
    const p = eye.projectionMatrix.elements;
    const hfov = (Math.atan((p[8] + 1) / p[0]) - Math.atan((p[8] - 1) / p[0])) / DEG2RAD;
    const vfov = (Math.atan((p[9] + 1) / p[5]) - Math.atan((p[9] - 1) / p[5])) / DEG2RAD;
    const eyePixels = eye.viewport ? eye.viewport.z : this.viewer.renderer.getDrawingBufferSize(this._origin).x / 2;
    const tileCamera = this._tileCamera;
    tileCamera.fov = Math.min(170, vfov + 10);
    tileCamera.aspect = Math.tan(((hfov + 20) * DEG2RAD) / 2) / Math.tan((tileCamera.fov * DEG2RAD) / 2);
    tileCamera.position.copy(camera.position);
    tileCamera.quaternion.copy(camera.quaternion);
    tileCamera.updateProjectionMatrix();
    tileCamera.updateMatrixWorld();
    this.viewer.updateTiles(tileCamera, eyePixels / hfov);
  }

  _ended() {
    if (!this.session) return;
    this.session = null;
    const viewer = this.viewer;
    const view = { yaw: viewer.yaw, pitch: viewer.pitch, roll: 0 };
    for (const entry of this._controllers) {
      entry.group.removeEventListener("connected", entry.onConnected);
      entry.group.removeEventListener("disconnected", entry.onDisconnected);
      entry.group.removeEventListener("select", entry.onSelect);
      entry.group.remove(entry.line);
      entry.line.geometry.dispose();
      entry.line.material.dispose();
      viewer.scene.remove(entry.group);
    }
    this._controllers = [];
    if (this.stage) this.stage.dispose();
    this.stage = null;
    viewer.renderer.xr.enabled = false;
    viewer.setFrameLoop(null);
    viewer.setView(view);
    this.onEnd();
  }
}
