/**
 * The tour player: scenes, hotspots, dialogs, language, tracking and events.
 * @module player
 */
import { startBridge } from "./bridge.js";
import { mediaFigure, mediaKind, paragraphs } from "./content.js";
import { startControls } from "./controls.js";
import { Course } from "./course.js";
import { DialogHost } from "./dialogs.js";
import { el } from "./dom.js";
import { Emitter } from "./events.js";
import { HotspotLayer } from "./hotspots.js";
import { icon } from "./icons.js";
import { pick, ui, uiLanguage } from "./i18n.js";
import { startNarration } from "./narration.js";
import { openSceneList } from "./scene-list.js";
import { Toolbar } from "./toolbar.js";
import { PanoramaViewer } from "./viewer.js";
import { startVr } from "./vr/index.js";

/** Default player options; `new TourPlayer(root, config, options)` overrides any of them. */
export const DEFAULT_OPTIONS = {
  /** Smallest horizontal field of view, degrees (most zoomed in). */
  minFov: 30,
  /** Largest horizontal field of view, degrees. */
  maxFov: 100,
  /** Cap of the vertical field of view on tall (portrait) screens, degrees. */
  maxVerticalFov: 120,
  /** Cap of window.devicePixelRatio for drawing. */
  maxPixelRatio: 2,
  /** Degrees an arrow key turns the view (at a 90° field of view). */
  keyStep: 5,
  /** Degrees the +/− keys change the field of view. */
  zoomStep: 5,
  /** Zoom speed of the mouse wheel (field of view factor per wheel pixel, exponential). */
  wheelZoomSpeed: 0.0015,
  /** Tiled panoramas: tile requests under way at once. */
  tileConcurrency: 4,
  /** Tiled panoramas: tile textures kept (≤ 512² px each); more only while the view needs them. */
  maxTiles: 64,
  /** The window in which to look for the LMS's SCORM API (default: this window). */
  trackingWindow: null,
  /** Offer the gyroscope button where the phone has the sensor (see gyro.js). */
  gyro: true,
  /** Seconds without input before the view starts turning by itself; 0: never (autorotate.js). */
  autorotateDelay: 30,
  /** Degrees a second the idle view turns (negative: to the left). */
  autorotateSpeed: 3,
  /** Load the linked scenes' previews once the current scene is sharp (prefetch.js). */
  prefetch: true,
  /**
   * The view after a scene link without its own `arrival`: "initial" (the target's
   * initial view) or "keep_heading" (the same world yaw; see TourPlayer#loadScene).
   */
  arrival: "initial",
  /** Offer VR: "Enter VR" where WebXR can, else the cardboard mode on touch screens (vr/). */
  vr: true,
  /** Seconds of looking at a target in VR or cardboard that choose it; 0: gaze never chooses. */
  gazeDwell: 1.5,
  /** The player is the page: it sets the page's `lang` and title (false inside the editor). */
  ownsPage: true,
};

/** Options a tour's configuration may set (`config.options`), with DEFAULT_OPTIONS' types. */
function configOptions(config) {
  const given = config && config.options;
  const chosen = {};
  if (!given || typeof given !== "object") return chosen;
  for (const key of Object.keys(DEFAULT_OPTIONS)) {
    const value = given[key];
    if (key !== "trackingWindow" && value !== undefined && typeof value === typeof DEFAULT_OPTIONS[key]) {
      if (typeof value !== "number" || Number.isFinite(value)) chosen[key] = value;
    }
  }
  return chosen;
}

/** The view of a scene without `initial_view`. */
const DEFAULT_VIEW = { yaw: 0, pitch: 0, fov: 90 };

/**
 * @typedef {Object} HotspotSummary
 * @property {string} id
 * @property {string} kind "scene", "info", "media" or "quiz".
 * @property {string} title The title in the current language (with fallbacks).
 * @property {number} yaw
 * @property {number} pitch
 */

/**
 * Plays a tour inside an element.
 *
 * Events (listen with {@link TourPlayer#on}):
 * - `ready` {scene}: the first panorama has been drawn;
 * - `scenechange` {id}: a scene was loaded (its panorama may still be loading);
 * - `scenedrawn` {id}: a scene's panorama has been drawn (for a tiled panorama: its preview);
 * - `sharp` {id}: the current scene's picture became as sharp as the view needs (a plain
 *   panorama: when drawn; a tiled one: every tile of the needed level in the view has arrived;
 *   again after each change of view that needed more tiles);
 * - `hotspot` {id, kind}: a hotspot was activated;
 * - `quizfinished` {quiz, scorePercent, passed, earned, total}: a quiz was checked;
 * - `languagechange` {language};
 * - `error` {scene, message}: a panorama could not be loaded.
 *
 * The root element gets `data-scene` (the current scene id), `data-ready="true"` once
 * the current scene's panorama is drawn (removed while a scene loads; for a tiled panorama
 * once its preview is drawn), `data-sharp="true"` while the view is as sharp as it needs
 * (never before `data-ready`; see the `sharp` event) and `data-error="true"` when the
 * panorama could not be loaded.
 *
 * A scene whose `panorama` key has an entry in `config.panoramas` (a tile pyramid of the
 * panorama pipeline, URLs relative to the page) is drawn tiled: placeholder, preview, then
 * the tiles of the level the zoom needs (see tiles.js and {@link TourPlayer#getTileStats}).
 */
export class TourPlayer {
  /**
   * @param {HTMLElement} root The player element (`#tourbuilder-player`).
   * @param {Object} config `{tour, media, tracking, language}` as written by tourbuilder; its
   *   optional `options` object sets any of DEFAULT_OPTIONS (but `trackingWindow`), and its
   *   optional `bridge` is the postMessage bridge's origin policy (see bridge.js).
   * @param {Partial<typeof DEFAULT_OPTIONS>} [options] Wins over `config.options`.
   */
  constructor(root, config, options) {
    this.root = root;
    this.options = Object.assign({}, DEFAULT_OPTIONS, configOptions(config), options || {});
    this.config = config;
    this.tour = config.tour;
    this.mediaUrls = config.media || {};
    this.panoramas = config.panoramas || {};
    this.tracking = config.tracking || "none";
    this.languages = this.tour.languages && this.tour.languages.length ? this.tour.languages : ["mn"];
    this.language = this.languages.includes(config.language) ? config.language : this.languages[0];
    this.sceneId = null;
    this.ready = false;
    this.visited = new Set();
    this._drawnScene = null;
    this._finished = false;
    this._notices = [];
    this._events = new Emitter();

    this._build();
    /** Gyroscope, idle autorotate, prefetch of linked previews (controls.js); null without WebGL. */
    this.controls = startControls(this);
    /** VR and the cardboard mode (vr/index.js); null without WebGL. */
    this.vr = startVr(this);
    /** Scene and hotspot narration, captions, transcript (narration.js). */
    this.narration = startNarration(this);
    this._bridge = startBridge(this, config);
    this._startTracking();
    this.setLanguage(this.language);
    const start = this.tour.scenes[this.tour.start_scene] ? this.tour.start_scene : Object.keys(this.tour.scenes)[0];
    // Where the learner left off (course.js: the LMS's or the device's resume state), else the start.
    this.course.begin((resume) => this.loadScene(resume ? resume.scene : start, resume ? resume.view : undefined));
  }

  // ---- events -------------------------------------------------------------

  /**
   * Listen to a player event. A `ready` listener added after the player became ready
   * is called once, soon after being added.
   * @param {string} event "ready", "scenechange", "scenedrawn", "hotspot", "quizfinished",
   *   "languagechange" or "error".
   * @param {function(Object):void} fn Gets the event's detail object.
   * @returns {this}
   */
  on(event, fn) {
    if (event === "ready" && this.ready) {
      setTimeout(() => fn({ scene: this._readyScene }), 0);
      return this;
    }
    this._events.on(event, fn);
    return this;
  }

  /**
   * Whether a panorama has been drawn (the `ready` event has happened).
   * @returns {boolean}
   */
  isReady() {
    return this.ready;
  }

  /**
   * Stop listening to a player event.
   * @param {string} event
   * @param {function(Object):void} [fn] Without it, every listener of the event is removed.
   * @returns {this}
   */
  off(event, fn) {
    this._events.off(event, fn);
    return this;
  }

  // ---- scenes and view ----------------------------------------------------

  /**
   * The current scene's id.
   * @returns {string|null}
   */
  getScene() {
    return this.sceneId;
  }

  /**
   * Go to a scene. The promise resolves when its panorama is drawn (true), superseded by
   * another scene (false), or failed to load (false; a message is shown).
   * @param {string} id A scene id of the tour.
   * @param {{yaw?: number, pitch?: number, fov?: number}|"keep_heading"} [view] The view on
   *   arrival; missing parts come from the scene's initial view. "keep_heading" keeps the
   *   current yaw: yaws are world yaws (image yaw + the scene's `pose.heading`), so the
   *   learner goes on facing the same compass direction, whatever way each photo was taken;
   *   pitch and fov are the scene's initial view's.
   * @returns {Promise<boolean>}
   */
  loadScene(id, view) {
    const scene = Object.prototype.hasOwnProperty.call(this.tour.scenes, id) ? this.tour.scenes[id] : null;
    if (view === "keep_heading") view = { yaw: this.getView().yaw };
    if (!scene) {
      console.warn(`tourbuilder: no scene "${id}"`); // eslint-disable-line no-console
      return Promise.resolve(false);
    }
    this.dialogs.close();
    const focusWasOnHotspot = this.hotspotLayer.contains(document.activeElement);
    this.sceneId = id;
    this.visited.add(id);
    this.root.setAttribute("data-scene", id);
    this.root.removeAttribute("data-ready");
    this._drawnScene = null;
    this._updateSharp();
    if (this.viewer) {
      this.root.removeAttribute("data-error");
      this._setMessage(null);
    }
    const arrival = Object.assign({}, DEFAULT_VIEW, scene.initial_view || {}, view || {});
    this.hotspots.setHotspots(scene.hotspots || [], (spot) => this._describeHotspot(spot), this.language);
    this._updateTexts();
    if (focusWasOnHotspot) this.viewerHost.focus({ preventScroll: true });
    this._events.emit("scenechange", { id });
    this._updateTracking();

    if (!this.viewer) {
      this._view = arrival;
      return Promise.resolve(false);
    }
    this.viewer.setView(arrival);
    this._setLoading(true);
    const pyramid = Object.prototype.hasOwnProperty.call(this.panoramas, scene.panorama)
      ? this.panoramas[scene.panorama]
      : null;
    const drawing = pyramid
      ? this.viewer.setTiledPanorama(pyramid, scene.pose)
      : this.viewer.setPanorama(this._mediaUrl(scene.panorama), scene.pose);
    return drawing.then(
      (drawn) => {
        if (!drawn || this.sceneId !== id) return false;
        this._setLoading(false);
        this.root.setAttribute("data-ready", "true");
        this._drawnScene = id;
        this._events.emit("scenedrawn", { id });
        this._updateSharp();
        if (!this.ready) {
          this.ready = true;
          this._readyScene = id;
          this._events.emit("ready", { scene: id });
          this._events.off("ready");
        }
        return true;
      },
      () => {
        if (this.sceneId !== id) return false;
        this._setLoading(false);
        this.root.setAttribute("data-error", "true");
        const message = this._ui("panoramaError", { scene: this._local(scene.title).text || id });
        this._setMessage("panoramaError", { sceneId: id });
        this._events.emit("error", { scene: id, message });
        return false;
      },
    );
  }

  /**
   * Turn the view. Values are clamped to the zoom range and so that the view stays
   * within the poles.
   * @param {number} yaw Degrees, clockwise from above.
   * @param {number} pitch Degrees above the horizon.
   * @param {number} [fov] Horizontal field of view, degrees (unchanged when omitted).
   * @returns {this}
   */
  lookAt(yaw, pitch, fov) {
    const view = { yaw, pitch };
    if (fov !== undefined) view.fov = fov;
    if (this.controls) this.controls.poke();
    if (this.viewer) {
      this.viewer.setView(view);
      this.viewer.renderNow();
    } else {
      this._view = Object.assign({}, this._view || DEFAULT_VIEW, view);
    }
    return this;
  }

  /**
   * The current view.
   * @returns {{yaw: number, pitch: number, fov: number}} Degrees; yaw in [-180, 180),
   *   fov horizontal.
   */
  getView() {
    if (!this.viewer) return Object.assign({}, this._view || DEFAULT_VIEW);
    return this.viewer.getView();
  }

  /**
   * Counts of the current scene's tiles (for tests and diagnostics):
   * `{level, levels, faceSize, requested, loaded, failed, resident, inFlight, queued, visible,
   * visibleLoaded, sharp}`. `level` is the index (into the pyramid's `levels`) the current zoom
   * needs, -1 for a scene without tiles; `requested`/`loaded`/`failed` count since the scene's
   * panorama was opened (a retried request counts again); `visible` is the number of tiles of
   * that level that intersect the view, `visibleLoaded` how many of them are loaded; `resident`
   * the tile textures held (all levels); `sharp` is true when all visible ones are loaded.
   * @returns {import("./tiles.js").TileStats|null} null without WebGL.
   */
  getTileStats() {
    return this.viewer ? this.viewer.getTileStats() : null;
  }

  /**
   * The current scene's hotspots, in author order.
   * @returns {HotspotSummary[]}
   */
  getHotspots() {
    const scene = this.tour.scenes[this.sceneId];
    return ((scene && scene.hotspots) || []).map((spot) => ({
      id: spot.id,
      kind: spot.kind,
      title: this._hotspotTitle(spot).text,
      yaw: spot.yaw,
      pitch: spot.pitch,
    }));
  }

  /**
   * Activate a hotspot of the current scene as if it were clicked.
   * @param {string} id
   * @returns {boolean} Whether the hotspot exists.
   */
  activateHotspot(id) {
    const scene = this.tour.scenes[this.sceneId];
    const spot = ((scene && scene.hotspots) || []).find((h) => h.id === id);
    if (!spot) return false;
    this._activate(spot, this.hotspots.button(id));
    return true;
  }

  // ---- language -----------------------------------------------------------

  /**
   * Show every text in another of the tour's languages; open dialogs keep theirs.
   * Sets `document.documentElement.lang` (unless the option `ownsPage` is false).
   * @param {string} code A language of the tour.
   * @returns {boolean} Whether the language is one of the tour's.
   */
  setLanguage(code) {
    if (!this.languages.includes(code)) return false;
    this.language = code;
    if (this.options.ownsPage) document.documentElement.lang = code;
    this._updateTexts();
    this._events.emit("languagechange", { language: code });
    return true;
  }

  /**
   * The current language.
   * @returns {string}
   */
  getLanguage() {
    return this.language;
  }

  // ---- tracking -----------------------------------------------------------

  /**
   * End the tracking session (the Finish button does this). Idempotent.
   */
  finish() {
    if (this._finished) return;
    this._finished = true;
    this.course.finish({ navigate: true });
    if (this.toolbar) this.toolbar.disableFinish();
    this._addNotice("finished");
  }

  /** Remove the player from its element and free its resources. */
  destroy() {
    this.dialogs.close();
    if (this.vr) this.vr.dispose();
    if (this.controls) this.controls.dispose();
    if (this.narration) this.narration.dispose();
    if (this._bridge) this._bridge.stop();
    if (this.viewer) this.viewer.dispose();
    this.root.textContent = "";
  }

  // ---- building -----------------------------------------------------------

  _build() {
    const root = this.root;
    root.textContent = "";
    root.classList.add("tb-player");
    const helpId = "tb-viewer-help";
    this.toolbarEl = el("header", { class: "tb-toolbar" });
    this.viewerHost = el("div", {
      class: "tb-viewer",
      tabindex: "0",
      role: "application",
      "aria-describedby": helpId,
    });
    this.hotspotLayer = el("div", { class: "tb-hotspots" });
    this.loadingEl = el("p", { class: "tb-loading", role: "status", hidden: true });
    this.messageEl = el("p", { class: "tb-message", role: "alert", hidden: true });
    this.helpEl = el("p", { id: helpId, class: "tb-visually-hidden" });
    this.stage = el("div", { class: "tb-stage" }, [this.viewerHost, this.hotspotLayer, this.loadingEl, this.messageEl]);
    this.noticeArea = el("div", { class: "tb-notices", role: "status" });
    root.appendChild(this.toolbarEl);
    root.appendChild(this.stage);
    root.appendChild(this.helpEl);
    root.appendChild(this.noticeArea);

    this.toolbar = new Toolbar(this.toolbarEl, {
      languages: this.languages,
      onSceneList: () => this.openSceneList(),
      onLanguage: (code) => this.setLanguage(code),
      fullscreenTarget: root,
      showFinish: this.tracking !== "none" && this.tracking !== "local",
      onFinish: () => this.finish(),
    });
    this.dialogs = new DialogHost(root, (key, params) => this._ui(key, params), () => this.language);
    this.hotspots = new HotspotLayer(this.hotspotLayer, {
      onActivate: (spot, button) => this._activate(spot, button),
      onFocusOutOfSight: (spot) => this.lookAt(spot.yaw, spot.pitch),
    });
    try {
      this.viewer = new PanoramaViewer({ host: this.viewerHost, pointerArea: this.stage }, this.options, {
        onRender: () => this.hotspots.place((yaw, pitch) => this.viewer.project(yaw, pitch)),
        onSharpChange: () => this._updateSharp(),
      });
    } catch (err) {
      this.viewer = null;
      root.classList.add("tb-player--no-webgl");
      this.root.setAttribute("data-error", "true");
      this._setMessage("webglError");
    }
  }

  _startTracking() {
    /** Quizzes, progress, tracking and resume (course.js). */
    this.course = new Course(this);
  }

  // ---- texts --------------------------------------------------------------

  /** An interface string in the current language. */
  _ui(key, params) {
    return ui(uiLanguage(this.language), key, params);
  }

  /** A tour text in the current language (with fallbacks). */
  _local(map) {
    return pick(map, this.language, this.languages);
  }

  _hotspotTitle(spot) {
    const own = this._local(spot.title);
    if (own.text || spot.kind !== "scene") return own;
    const target = this.tour.scenes[spot.target];
    return target ? this._local(target.title) : own;
  }

  _describeHotspot(spot) {
    const label = this._hotspotTitle(spot);
    const name = spot.kind === "scene" ? this._ui("goTo", { title: label.text }) : label.text;
    return { label, name };
  }

  _updateTexts() {
    const lang = this.language;
    const scene = this.tour.scenes[this.sceneId];
    const tourTitle = this._local(this.tour.title);
    const sceneTitle = scene ? this._local(scene.title) : { text: "", lang };
    this.toolbar.update({ lang, tourTitle, sceneTitle, scene: this.sceneId, ui: (key) => this._ui(key) });
    this.viewerHost.setAttribute("aria-label", this._ui("viewerLabel", { scene: sceneTitle.text }));
    this.helpEl.textContent = this._ui("viewerHelp");
    this.loadingEl.textContent = this._ui("loading");
    if (this._message) this._renderMessage();
    for (const notice of this._notices) notice.text.textContent = this._ui(notice.key);
    for (const closer of this.noticeArea.querySelectorAll(".tb-notice__close")) {
      closer.setAttribute("aria-label", this._ui("close"));
    }
    if (scene) this.hotspots.updateTexts((spot) => this._describeHotspot(spot), lang);
    if (this.options.ownsPage) document.title = [sceneTitle.text, tourTitle.text].filter(Boolean).join(" — ");
  }

  /** `data-sharp` follows the viewer, once the current scene is drawn. */
  _updateSharp() {
    const sharp = !!this.viewer && this._drawnScene !== null && this._drawnScene === this.sceneId && this.viewer.isSharp();
    if (sharp === this.root.hasAttribute("data-sharp")) return;
    if (sharp) {
      this.root.setAttribute("data-sharp", "true");
      this._events.emit("sharp", { id: this.sceneId });
    } else {
      this.root.removeAttribute("data-sharp");
    }
  }

  _setLoading(on) {
    this.loadingEl.hidden = !on;
  }

  /** Show (or with null, hide) the error message of a key; kept up to date on language changes. */
  _setMessage(key, extra) {
    this._message = key ? Object.assign({ key }, extra || {}) : null;
    this._renderMessage();
  }

  _renderMessage() {
    const message = this._message;
    if (!message) {
      this.messageEl.hidden = true;
      this.messageEl.textContent = "";
      return;
    }
    const params = {};
    if (message.sceneId) {
      const scene = this.tour.scenes[message.sceneId];
      params.scene = (scene && this._local(scene.title).text) || message.sceneId;
    }
    this.messageEl.textContent = this._ui(message.key, params);
    this.messageEl.hidden = false;
  }

  /** A plain, dismissable notice at the bottom (kept translated). */
  _addNotice(key) {
    const text = el("span", { text: this._ui(key) });
    const close = el("button", { type: "button", class: "tb-notice__close", "aria-label": this._ui("close") }, [icon("close")]);
    const box = el("p", { class: "tb-notice", "data-notice": key }, [text, close]);
    const notice = { key, text, box };
    close.addEventListener("click", () => {
      box.remove();
      this._notices = this._notices.filter((n) => n !== notice);
      this.viewerHost.focus({ preventScroll: true });
    });
    this._notices.push(notice);
    this.noticeArea.appendChild(box);
  }

  _mediaUrl(key) {
    return Object.prototype.hasOwnProperty.call(this.mediaUrls, key) ? this.mediaUrls[key] : key;
  }

  // ---- hotspots -----------------------------------------------------------

  /**
   * Open "things in this scene": the current scene's hotspots as a list of buttons; one
   * turns the view to its hotspot and activates it.
   */
  openSceneList() {
    const scene = this.tour.scenes[this.sceneId];
    openSceneList(this.dialogs, {
      title: { text: this._ui("sceneList"), lang: uiLanguage(this.language) },
      spots: (scene && scene.hotspots) || [],
      describe: (spot) => this._describeHotspot(spot),
      lang: this.language,
      emptyText: this._ui("sceneListEmpty"),
      onChoose: (spot) => {
        this.dialogs.close();
        this.lookAt(spot.yaw, spot.pitch);
        this._activate(spot, this.hotspots.button(spot.id));
      },
    });
  }

  _activate(spot, button) {
    // In the editor a hotspot is chosen for editing, not opened (edit-mode.js).
    if (this.editMode && this.editMode.intercept(spot, button)) return;
    this._events.emit("hotspot", { id: spot.id, kind: spot.kind });
    if (this.course && this.course.intercept(spot, button)) return; // a locked scene, a checkpoint
    if (spot.kind === "scene") {
      this.loadScene(spot.target, this._arrival(spot));
    } else if (spot.kind === "info") {
      this._openInfo(spot, button);
    } else if (spot.kind === "media") {
      this._openMedia(spot, button);
    } else if (spot.kind === "quiz") {
      this.openQuiz(spot.quiz, button);
    } else if (spot.kind === "narration" && this.narration) {
      this.narration.replay(); // the scene's narration again, from its start
    }
  }

  /**
   * The view after following a scene link: its `arrival` (a view, or "keep_heading"), else
   * what the option `arrival` says ("keep_heading", or the target's initial view).
   */
  _arrival(spot) {
    const own = spot.arrival;
    if (own === "keep_heading" || (own && typeof own === "object")) return own;
    return this.options.arrival === "keep_heading" ? "keep_heading" : undefined;
  }

  _openInfo(spot, button) {
    const lang = this.language;
    const title = this._hotspotTitle(spot);
    const content = paragraphs(this._local(spot.text), lang);
    if (spot.image) {
      content.push(
        mediaFigure({
          url: this._mediaUrl(spot.image),
          kind: "image",
          alt: title.text,
          caption: null,
          pageLang: lang,
          errorText: this._ui("mediaError"),
        }),
      );
    }
    const spoken = this.narration.hotspotPart(spot); // its narration: play, pause, captions
    if (spoken) content.unshift(spoken.node);
    this.dialogs.open({ title, content, kind: "info", returnFocus: button, onClose: spoken ? spoken.close : undefined });
  }

  _openMedia(spot, button) {
    const title = this._hotspotTitle(spot);
    const caption = this._local(spot.caption);
    const info = (this.tour.media || {})[spot.media] || {};
    const figure = mediaFigure({
      url: this._mediaUrl(spot.media),
      kind: mediaKind(spot.media, info.type),
      alt: caption.text || title.text,
      caption,
      pageLang: this.language,
      errorText: this._ui("mediaError"),
    });
    const spoken = this.narration.hotspotPart(spot);
    this.dialogs.open({
      title,
      content: spoken ? [spoken.node, figure] : [figure],
      kind: "media",
      returnFocus: button,
      onClose: spoken ? spoken.close : undefined,
    });
  }

  /**
   * Open a quiz in a dialog.
   * @param {string} quizId A quiz id of the tour.
   * @param {HTMLElement} [returnFocus] Gets the focus when the dialog closes.
   * @returns {boolean} Whether the quiz exists.
   */
  openQuiz(quizId, returnFocus) {
    return this.course.openQuiz(quizId, returnFocus);
  }


  // ---- completion and tracking -------------------------------------------

  /**
   * Where the learner stands: the tour's completion rule evaluated (see progress.js).
   * @returns {import("./progress.js").Progress}
   */
  getProgress() {
    return this.course.progress();
  }

  /** Kept for loadScene: the course saves on its own events (course.js). */
  _updateTracking() {}
}
