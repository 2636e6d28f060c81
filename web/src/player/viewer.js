/**
 * The 360° picture: a three.js renderer that draws an equirectangular photo
 * on the inside of a sphere around the camera, and the camera controls
 * (drag, pinch, wheel, keys). It draws only when something changed, except while a frame loop
 * has taken the drawing over (a WebXR session or the cardboard stereo mode, see vr/ and
 * {@link PanoramaViewer#setFrameLoop}).
 * @module viewer
 */
import {
  Color,
  Group,
  Mesh,
  MeshBasicMaterial,
  PerspectiveCamera,
  SRGBColorSpace,
  Scene,
  SphereGeometry,
  TextureLoader,
  Vector3,
  WebGLRenderer,
} from "three";
import { DEG2RAD, clamp, direction, horizontalFov, verticalFov, wrapYaw } from "./angles.js";
import { loadAsset } from "./assets.js";
import { TileLayer } from "./tiles.js";

/** Radius of the panorama sphere (three.js units; the camera is at its centre). */
const SPHERE_RADIUS = 10;
/** Half the edge of the cube of tiles: inside the sphere (corners at 5·√3 ≈ 8.7 < 10). */
const CUBE_RADIUS = 5;

/**
 * @typedef {Object} View
 * @property {number} yaw Degrees, [-180, 180), clockwise from above.
 * @property {number} pitch Degrees above the horizon.
 * @property {number} fov Horizontal field of view, degrees.
 */

/**
 * @typedef {Object} ViewerOptions
 * @property {number} minFov Smallest horizontal field of view (most zoomed in).
 * @property {number} maxFov Largest horizontal field of view.
 * @property {number} maxVerticalFov The vertical field of view never exceeds this (tall phone screens).
 * @property {number} maxPixelRatio Cap of devicePixelRatio.
 * @property {number} keyStep Degrees an arrow key turns at a 90° field of view.
 * @property {number} zoomStep Degrees a +/− key zooms.
 * @property {number} wheelZoomSpeed Field of view factor per wheel pixel.
 * @property {number} [tileConcurrency] Tile requests at once (tiled panoramas).
 * @property {number} [maxTiles] Tile textures kept per panorama (more only while the view needs them).
 */

/** Draws a panorama and lets the person look around. */
export class PanoramaViewer {
  /**
   * @param {Object} parts
   * @param {HTMLElement} parts.host The element the canvas fills; it gets the keyboard controls and
   *   should be focusable (tabindex="0") with an accessible name.
   * @param {HTMLElement} parts.pointerArea The element that receives drags (the canvas and the
   *   hotspot overlay); drags that start on a `<button>` are left to the button.
   * @param {ViewerOptions} options
   * @param {Object} [callbacks]
   * @param {function(View):void} [callbacks.onViewChange] Called when the view changed.
   * @param {function():void} [callbacks.onRender] Called after each drawing, e.g. to place hotspots.
   * @param {function(boolean):void} [callbacks.onSharpChange] Called when the picture becomes as
   *   sharp as the view needs (a plain panorama: once drawn; a tiled one: every tile the view
   *   needs has arrived) or stops being so.
   * @throws {Error} When WebGL is not available.
   */
  constructor(parts, options, callbacks) {
    this.host = parts.host;
    this.pointerArea = parts.pointerArea;
    this.options = options;
    this.callbacks = callbacks || {};
    this.yaw = 0;
    this.pitch = 0;
    this.fov = 90;
    /** Degrees the view is turned about its own axis (only the gyroscope sets it; see gyro.js). */
    this.roll = 0;
    /** Whether pitch may reach the poles (the gyroscope: the phone decides where it looks). */
    this.freePitch = false;
    this.width = 1;
    this.height = 1;
    this._frame = 0;
    this._loadToken = 0;
    this._pointers = new Map();
    this._pinch = null;
    this._vector = new Vector3();
    this._forward = new Vector3();
    this.sharp = false;
    /** The frame loop that draws instead of render-on-demand (see setFrameLoop), or null. */
    this._loop = null;

    this.renderer = new WebGLRenderer({ antialias: false, alpha: false, powerPreference: "default" });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, options.maxPixelRatio));
    this.canvas = this.renderer.domElement;
    this.canvas.className = "tb-canvas";
    this.canvas.setAttribute("aria-hidden", "true");
    this.host.appendChild(this.canvas);

    this.scene = new Scene();
    this.scene.background = new Color(0x15181c);
    this.camera = new PerspectiveCamera(60, 1, 0.1, 100);
    this.camera.rotation.order = "YXZ";

    const geometry = new SphereGeometry(SPHERE_RADIUS, 64, 32);
    // Seen from inside, a sphere's texture is mirrored: flip x. Then column u of the picture
    // lies at three.js azimuth (u·360°) measured from +x towards +z; the inner rotation turns
    // the picture's centre (u = 0.5) to -z, i.e. world yaw 0, and u = 0.75 to +x (yaw +90).
    geometry.scale(-1, 1, 1);
    this.material = new MeshBasicMaterial({ toneMapped: false, depthWrite: false });
    this.mesh = new Mesh(geometry, this.material);
    this.mesh.rotation.y = -Math.PI / 2;
    this.mesh.visible = false;
    this.poseGroup = new Group();
    this.poseGroup.rotation.order = "YXZ";
    this.poseGroup.add(this.mesh);
    /**
     * Everything placed by world yaw and pitch (the panorama's pose group; in VR also the
     * hotspot targets): at the origin and unturned on screen; in VR it follows the head's
     * position (a photo has no parallax) and turns to keep the learner's heading (vr/).
     */
    this.world = new Group();
    this.world.add(this.poseGroup);
    this.scene.add(this.world);
    this.tiles = new TileLayer(
      {
        parent: this.poseGroup,
        radius: CUBE_RADIUS,
        requestRender: () => this.requestRender(),
        onSharpChange: (sharp) => this._setSharp(sharp),
      },
      options,
    );

    this._bindEvents();
    this._measure();
  }

  /**
   * Show a panorama. The old one is hidden at once; the promise settles when
   * the new one has been drawn (or failed to load). A later call wins over an earlier one:
   * the earlier promise then resolves with `false`.
   * @param {string} url The picture's address.
   * @param {{heading?: number, pitch?: number, roll?: number}} [pose] Where the picture's centre faces.
   * @returns {Promise<boolean>} true when this picture is now drawn.
   */
  setPanorama(url, pose) {
    const token = this._startPanorama(pose);
    return this._loadTexture(url).then(
      (texture) => {
        if (!this._showOnSphere(texture, token)) return false;
        this._setSharp(true);
        return true;
      },
      (err) => {
        if (token !== this._loadToken) return false;
        throw err;
      },
    );
  }

  /**
   * Show a tiled cube panorama: its placeholder at once, then its preview (both equirect, on
   * the sphere), then the tiles the view needs, on a cube inside the sphere. The old panorama
   * is hidden and its tiles freed at once. A later call (of either kind) wins over an earlier one.
   * @param {import("./tiles.js").Pyramid} pyramid
   * @param {{heading?: number, pitch?: number, roll?: number}} [pose] Turns sphere and cube alike.
   * @returns {Promise<boolean>} true when the preview is drawn (without a preview: when the view
   *   is first sharp); false when superseded; rejected when the preview could not be loaded.
   */
  setTiledPanorama(pyramid, pose) {
    const token = this._startPanorama(pose);
    let stage = 0;
    const show = (texture, level) => {
      if (token !== this._loadToken || level <= stage) {
        texture.dispose();
        return false;
      }
      stage = level;
      return this._showOnSphere(texture, token);
    };
    const startTiles = () => {
      if (token !== this._loadToken) return;
      this.tiles.open(pyramid);
      this.renderNow();
    };
    if (pyramid.placeholder) this._loadTexture(pyramid.placeholder).then((t) => show(t, 1), () => {});
    if (!pyramid.preview) {
      return new Promise((resolve) => {
        this._whenSharp = { token, resolve };
        startTiles();
      });
    }
    return this._loadTexture(pyramid.preview).then(
      (texture) => {
        if (!show(texture, 2)) return false;
        // The tiles start only once the preview is drawn, so it has the slow link to itself first.
        Promise.resolve().then(startTiles);
        return true;
      },
      (err) => {
        if (token !== this._loadToken) return false;
        throw err;
      },
    );
  }

  /**
   * Counts of the tiled panorama's tiles (all zero and level -1 for a plain panorama).
   * @returns {import("./tiles.js").TileStats}
   */
  getTileStats() {
    return this.tiles.stats();
  }

  /** Whether the picture is as sharp as the view needs (see callbacks.onSharpChange). */
  isSharp() {
    return this.sharp;
  }

  /** Forget the current panorama (hide it, free its tiles), set the pose; returns the new load token. */
  _startPanorama(pose) {
    const token = ++this._loadToken;
    if (this._whenSharp) this._whenSharp.resolve(false);
    this._whenSharp = null;
    this.mesh.visible = false;
    this.tiles.close();
    this._setSharp(false);
    this.setPose(pose);
    this.renderNow();
    return token;
  }

  /** Load an equirect picture as a texture (through the asset loader: see assets.js). */
  _loadTexture(url) {
    return loadAsset(url).then(
      (asset) =>
        new Promise((resolve, reject) => {
          const loaded = (texture) => {
            asset.release();
            resolve(texture);
          };
          const failed = () => {
            asset.release();
            reject(new Error(`could not load ${url}`));
          };
          new TextureLoader().load(asset.url, loaded, undefined, failed);
        }),
    );
  }

  /** Put a texture on the sphere and draw, if the load is still current; else free it. */
  _showOnSphere(texture, token) {
    if (token !== this._loadToken) {
      texture.dispose();
      return false;
    }
    texture.colorSpace = SRGBColorSpace;
    const old = this.material.map;
    this.material.map = texture;
    this.material.needsUpdate = true;
    this.mesh.visible = true;
    if (old) old.dispose();
    this.renderNow();
    return true;
  }

  _setSharp(sharp) {
    if (sharp === this.sharp) return;
    this.sharp = sharp;
    if (sharp && this._whenSharp) {
      const { resolve } = this._whenSharp;
      this._whenSharp = null;
      resolve(true);
    }
    if (this.callbacks.onSharpChange) this.callbacks.onSharpChange(sharp);
  }

  /**
   * Turn the sphere so that the picture's centre faces world (heading, pitch), rolled by roll.
   * Positive roll turns the picture clockwise as seen by the viewer facing its centre.
   * @param {{heading?: number, pitch?: number, roll?: number}} [pose] Degrees.
   */
  setPose(pose) {
    const p = pose || {};
    this.poseGroup.rotation.set((p.pitch || 0) * DEG2RAD, -(p.heading || 0) * DEG2RAD, -(p.roll || 0) * DEG2RAD);
    this.requestRender();
  }

  /**
   * Look in a direction. Values are clamped: fov into [minFov, maxFov], pitch so the view
   * does not pass the poles (the edge of the picture stays off the screen; with
   * `freePitch`, only ±90°).
   * @param {Partial<View> & {roll?: number}} view Missing parts keep their value. `roll`
   *   (degrees about the line of sight, as three.js turns a camera about its z axis) is for
   *   the gyroscope only.
   */
  setView(view) {
    if (view.fov !== undefined && Number.isFinite(view.fov)) {
      this.fov = clamp(view.fov, this.options.minFov, this.options.maxFov);
    }
    if (view.yaw !== undefined && Number.isFinite(view.yaw)) this.yaw = wrapYaw(view.yaw);
    if (view.pitch !== undefined && Number.isFinite(view.pitch)) this.pitch = view.pitch;
    if (view.roll !== undefined && Number.isFinite(view.roll)) this.roll = view.roll;
    this._applyLimits();
    this.requestRender();
    if (this.callbacks.onViewChange) this.callbacks.onViewChange(this.getView());
  }

  /**
   * The current view.
   * @returns {View}
   */
  getView() {
    return { yaw: this.yaw, pitch: this.pitch, fov: this.fov };
  }

  /**
   * Where a world direction appears on the canvas.
   * @param {number} yaw Degrees.
   * @param {number} pitch Degrees.
   * @returns {{x: number, y: number, onScreen: boolean}} CSS pixels from the canvas's top left;
   *   onScreen is false when the point is behind the camera or outside the canvas.
   */
  project(yaw, pitch) {
    const [x, y, z] = direction(yaw, pitch);
    this.camera.getWorldDirection(this._forward);
    const inFront = this._forward.x * x + this._forward.y * y + this._forward.z * z > 0.01;
    this._vector.set(x, y, z).project(this.camera);
    const sx = ((this._vector.x + 1) / 2) * this.width;
    const sy = ((1 - this._vector.y) / 2) * this.height;
    const onScreen = inFront && sx >= 0 && sx <= this.width && sy >= 0 && sy <= this.height;
    return { x: sx, y: sy, onScreen };
  }

  /** Ask for a drawing at the next animation frame (several asks make one drawing). */
  requestRender() {
    if (this._frame || this._loop) return;
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this.renderNow();
    });
  }

  /** Draw now (while a frame loop draws, nothing: its next frame will). */
  renderNow() {
    if (this._frame) {
      cancelAnimationFrame(this._frame);
      this._frame = 0;
    }
    if (this._loop) return;
    this._updateCamera();
    const canvasPixels = this.width * this.renderer.getPixelRatio();
    this.updateTiles(this.camera, canvasPixels / horizontalFov(this.camera.fov, this.camera.aspect));
    this.renderer.render(this.scene, this.camera);
    if (this.callbacks.onRender) this.callbacks.onRender();
  }

  /**
   * Choose and request the tiles a camera sees (tiled panoramas only).
   * @param {import("three").Camera} camera With its world matrix and projection up to date.
   * @param {number} density Device pixels per degree the view shows.
   */
  updateTiles(camera, density) {
    if (this.tiles.pyramid) this.tiles.update(camera, density);
  }

  /** Turn the camera to the view (yaw, pitch, roll) and fit it to the canvas. */
  updateCamera() {
    this._updateCamera();
  }

  /**
   * Hand the drawing to a frame loop, or (null) take it back. While a loop is set it is
   * called at every frame (through `renderer.setAnimationLoop`: the headset's frames in a
   * WebXR session, else the page's) and draws itself; `requestRender` and `renderNow` do
   * nothing and the hotspot buttons are not placed. Taken back, the camera is back at the
   * centre, the world group unturned, and the view is drawn on demand again at once.
   * @param {function(number, XRFrame=):void|null} loop
   */
  setFrameLoop(loop) {
    if (this._frame) cancelAnimationFrame(this._frame);
    this._frame = 0;
    this._loop = loop || null;
    this.renderer.setAnimationLoop(this._loop);
    if (this._loop) return;
    this.camera.position.set(0, 0, 0);
    this.camera.scale.set(1, 1, 1);
    this.world.position.set(0, 0, 0);
    this.world.rotation.set(0, 0, 0);
    this.renderer.setScissorTest(false);
    this.resize();
  }

  /** Re-read the host's size (called automatically when it changes). */
  resize() {
    this._measure();
    this._applyLimits();
    this.renderNow();
  }

  /** Stop listening and free the GPU memory. */
  dispose() {
    this._loadToken += 1;
    this.renderer.setAnimationLoop(null);
    this.tiles.dispose();
    if (this._frame) cancelAnimationFrame(this._frame);
    for (const [target, type, fn, opts] of this._listeners) target.removeEventListener(type, fn, opts);
    if (this._observer) this._observer.disconnect();
    if (this.material.map) this.material.map.dispose();
    this.material.dispose();
    this.mesh.geometry.dispose();
    this.renderer.dispose();
    this.canvas.remove();
  }

  /** The vertical field of view the camera really uses. */
  _verticalFov() {
    return Math.min(verticalFov(this.fov, this.width / this.height), this.options.maxVerticalFov);
  }

  _applyLimits() {
    const limit = this.freePitch ? 90 : Math.max(0, 90 - this._verticalFov() / 2);
    this.pitch = clamp(this.pitch, -limit, limit);
  }

  _updateCamera() {
    this.camera.aspect = this.width / this.height;
    this.camera.fov = this._verticalFov();
    this.camera.rotation.set(this.pitch * DEG2RAD, -this.yaw * DEG2RAD, this.roll * DEG2RAD);
    this.camera.updateProjectionMatrix();
    this.camera.updateMatrixWorld();
  }

  _measure() {
    const rect = this.host.getBoundingClientRect();
    this.width = Math.max(1, Math.round(rect.width));
    this.height = Math.max(1, Math.round(rect.height));
    // A WebXR session owns the drawing buffer's size (three.js sets it to the headset's).
    if (this.renderer.xr.isPresenting) return;
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, this.options.maxPixelRatio));
    this.renderer.setSize(this.width, this.height, false);
  }

  /** Degrees the view turns for one CSS pixel of drag (the picture follows the finger). */
  _degreesPerPixel() {
    return this._verticalFov() / this.height;
  }

  _bindEvents() {
    this._listeners = [];
    const listen = (target, type, fn, opts) => {
      target.addEventListener(type, fn, opts);
      this._listeners.push([target, type, fn, opts]);
    };
    const area = this.pointerArea;
    listen(area, "pointerdown", (e) => this._onPointerDown(e));
    listen(area, "pointermove", (e) => this._onPointerMove(e));
    listen(area, "pointerup", (e) => this._onPointerUp(e));
    listen(area, "pointercancel", (e) => this._onPointerUp(e));
    listen(area, "wheel", (e) => this._onWheel(e), { passive: false });
    listen(this.host, "keydown", (e) => this._onKey(e));
    listen(this.canvas, "webglcontextlost", (e) => e.preventDefault());
    listen(this.canvas, "webglcontextrestored", () => this.requestRender());
    if (typeof ResizeObserver === "function") {
      this._observer = new ResizeObserver(() => this.resize());
      this._observer.observe(this.host);
    } else {
      listen(window, "resize", () => this.resize());
    }
  }

  _onPointerDown(e) {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    if (e.target instanceof Element && e.target.closest("button, a, input, select, textarea")) return;
    this._pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    try {
      this.pointerArea.setPointerCapture(e.pointerId);
    } catch (err) {
      // Capture is a comfort only.
    }
    if (document.activeElement !== this.host) this.host.focus({ preventScroll: true });
    this._startPinch();
    e.preventDefault();
  }

  _onPointerMove(e) {
    const last = this._pointers.get(e.pointerId);
    if (!last) return;
    const dx = e.clientX - last.x;
    const dy = e.clientY - last.y;
    last.x = e.clientX;
    last.y = e.clientY;
    if (this._pinch && this._pointers.size >= 2) {
      const distance = this._pinchDistance();
      if (distance > 0) this.setView({ fov: (this._pinch.fov * this._pinch.distance) / distance });
      return;
    }
    const perPixel = this._degreesPerPixel();
    // Grab-and-drag: moving the finger right pulls the picture right, so the view turns left.
    this.setView({ yaw: this.yaw - dx * perPixel, pitch: this.pitch + dy * perPixel });
  }

  _onPointerUp(e) {
    if (!this._pointers.delete(e.pointerId)) return;
    this._startPinch();
  }

  _startPinch() {
    this._pinch = this._pointers.size >= 2 ? { distance: this._pinchDistance(), fov: this.fov } : null;
  }

  _pinchDistance() {
    const [a, b] = Array.from(this._pointers.values());
    return Math.hypot(a.x - b.x, a.y - b.y);
  }

  _onWheel(e) {
    e.preventDefault();
    const pixels = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
    this.setView({ fov: this.fov * Math.exp(clamp(pixels, -200, 200) * this.options.wheelZoomSpeed) });
  }

  _onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const turn = (this.options.keyStep * this.fov) / 90;
    const zoom = this.options.zoomStep;
    const actions = {
      ArrowLeft: () => this.setView({ yaw: this.yaw - turn }),
      ArrowRight: () => this.setView({ yaw: this.yaw + turn }),
      ArrowUp: () => this.setView({ pitch: this.pitch + turn }),
      ArrowDown: () => this.setView({ pitch: this.pitch - turn }),
      "+": () => this.setView({ fov: this.fov - zoom }),
      "=": () => this.setView({ fov: this.fov - zoom }),
      "-": () => this.setView({ fov: this.fov + zoom }),
      _: () => this.setView({ fov: this.fov + zoom }),
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }
}
