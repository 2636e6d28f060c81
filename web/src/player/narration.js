/**
 * Narration: each scene's (and each info or media hotspot's) spoken text, with captions
 * drawn in the page, play / pause / replay, a captions toggle and a transcript, in the
 * player's language.
 *
 * The data is the tour's own (see tourbuilder/narration/README.md): `narration.tracks[lang]`
 * has `engine`, `robot`, `audio` (a media key: `config.media` gives its URL), `duration` and
 * `cues` [{start, end, text}] in seconds of the audio. Per language, a narration is played as:
 * - "audio": the track has audio: one `<audio>` element (kept out of the page) plays it and
 *   the captions follow `audio.currentTime` (on `timeupdate` and at every animation frame
 *   while playing);
 * - "timed": `engine: "none"` (or audio that cannot be played): no sound, the cues follow a
 *   clock at their own (reading) pace;
 * - "text": no track, or a track without cues: the transcript only;
 * - "none": no narration in any form.
 * Another language's voice is never used.
 *
 * Browsers' autoplay rules: nothing is played before the learner's first gesture (a click, a
 * tap or a key other than Tab, Shift, Escape…, anywhere in the page); until then the bar
 * offers a big "Listen" button. The first gesture plays the current scene's narration,
 * inside the gesture (so that iOS lets the one audio element play from then on); after it,
 * each scene's narration starts when the scene is shown, and an info or media hotspot's
 * when its dialog opens (the scene's pauses, and stays paused when the dialog closes).
 * A refused `play()` brings the "Listen" button back. A picture-in-dialog's video or sound
 * that starts playing pauses the narration.
 *
 * A language switch ({@link TourPlayer#setLanguage}) switches text, audio and captions
 * together; a narration that is playing goes on in the new language from the start of the
 * same sentence (cue index).
 *
 * Events (the player's `narration` event, also posted by the postMessage bridge):
 * `{state, scene, hotspot, lang, cue, text}` when `state` becomes "playing", "paused",
 * "ended" or "stopped" (another narration took its place: a new scene, a closed dialog, a
 * language without a playable track), and again, with the same state, each time `cue` (the
 * index of the sentence shown, -1 for none) changes while playing. `hotspot` is null for a
 * scene's narration; `text` is the cue's text ("" for none).
 * @module narration
 */
import "./narration.css";
import { cueAt, CaptionBox } from "./captions.js";
import { el } from "./dom.js";
import { pick } from "./i18n.js";
import { NarrationControls, narrationUiLanguage, say } from "./narration-controls.js";
import { transcript } from "./transcript.js";

/** Keys that move around the page rather than act: they do not count as the first gesture. */
const NOT_GESTURES = ["Tab", "Shift", "Control", "Alt", "AltGraph", "Meta", "Escape", "CapsLock", "Fn", "ContextMenu"];
const GESTURES = ["pointerup", "touchend", "keydown", "click"];

function own(object, key) {
  return !!object && Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * @typedef {Object} NarrationItem One narration being shown (a scene's or a hotspot's).
 * @property {Object} narration `{text, tracks}` of the tour.
 * @property {string|null} scene
 * @property {string|null} hotspot
 * @property {"idle"|"playing"|"paused"|"ended"|"stopped"} state
 * @property {number} pos Seconds: where it is (or resumes from) while not playing.
 */

/**
 * How a narration is played in a language.
 * @param {Object|null|undefined} narration
 * @param {string} lang
 * @param {string[]} languages The tour's languages (for the transcript text's fallbacks).
 * @param {Set<string>} [failed] Audio URLs that could not be played (their tracks are "timed").
 * @param {function(string):string} [url] A media key's URL.
 * @returns {"audio"|"timed"|"text"|"none"}
 */
export function narrationMode(narration, lang, languages, failed, url) {
  if (!narration) return "none";
  const track = own(narration.tracks, lang) ? narration.tracks[lang] : null;
  const cues = track && Array.isArray(track.cues) ? track.cues : [];
  if (track && track.engine !== "none" && track.audio && !(failed && url && failed.has(url(track.audio)))) return "audio";
  if (cues.length) return "timed";
  return pick(narration.text, lang, languages).text ? "text" : "none";
}

/** Plays the narrations of a {@link TourPlayer}; `player.narration`. */
export class Narrator {
  /**
   * @param {import("./player.js").TourPlayer} player
   */
  constructor(player) {
    this.player = player;
    this.lang = player.getLanguage();
    /** The one audio element of all narrations (not in the page). */
    this.audio = new Audio();
    this.audio.preload = "none";
    /** Whether the learner's first gesture has happened (narrations may play). */
    this.unlocked = false;
    this.captionsOn = true;
    /** @type {NarrationItem|null} The narration being shown. */
    this.item = null;
    /** @type {NarrationItem|null} The current scene's narration. */
    this.sceneItem = null;
    /** Index of the cue shown (of the current item), -1 for none. */
    this.cue = -1;
    this._failed = new Set();
    this._views = new Set();
    this._clock = null;
    this._seek = null;
    this._src = "";
    this._raf = 0;
    this._token = 0;
    this._transcript = null;

    const audio = this.audio;
    audio.addEventListener("loadedmetadata", () => {
      if (this._seek !== null) audio.currentTime = this._seek;
      this._seek = null;
    });
    audio.addEventListener("timeupdate", () => this._tick());
    audio.addEventListener("ended", () => {
      if (this._playingAudio()) this._end();
    });
    audio.addEventListener("error", () => this._fail());
    // Paused from outside (the system's media controls, a headset's button).
    audio.addEventListener("pause", () => {
      if (this._playingAudio() && audio.paused && !audio.ended && audio.readyState > 0 && this._seek === null) this.pause();
    });

    // Another sound or video of the page (a media hotspot's) pauses the narration.
    this._onMedia = (e) => {
      if (e.target !== audio) this.pause();
    };
    document.addEventListener("play", this._onMedia, true);

    // Over the panorama: the captions, then the bar with the scene's controls.
    this.captions = new CaptionBox("tb-captions");
    this.bar = this._view({ item: () => this.sceneItem, bar: true });
    this.element = el("div", { class: "tb-narration", "data-narration": "" }, [this.captions.element, this.bar.element]);
  }

  // ---- what is shown -------------------------------------------------------

  /**
   * How an item (default: the current one) is played in the current language.
   * @param {NarrationItem|null} [item]
   * @returns {"audio"|"timed"|"text"|"none"}
   */
  mode(item) {
    const it = item === undefined ? this.item : item;
    return it ? narrationMode(it.narration, this.lang, this.player.languages, this._failed, (key) => this._url(key)) : "none";
  }

  /**
   * The track of an item in a language (default: the current item and language).
   * @returns {Object|null}
   */
  track(item, lang) {
    const it = item === undefined ? this.item : item;
    const tracks = it && it.narration.tracks;
    const code = lang || this.lang;
    return own(tracks, code) ? tracks[code] : null;
  }

  /** The cues of an item in a language (default: the current ones); [] when none. */
  cues(item, lang) {
    const track = this.track(item, lang);
    return track && Array.isArray(track.cues) ? track.cues : [];
  }

  /** Seconds into the current narration. */
  time() {
    const item = this.item;
    if (!item) return 0;
    if (item.state !== "playing") return item.pos;
    if (this._clock) return this._clock.offset + (performance.now() - this._clock.origin) / 1000;
    if (this._seek !== null) return this._seek;
    return this.audio.currentTime;
  }

  /**
   * Where the narration stands (for tests and pages using the API).
   * @returns {{state: string, scene: (string|null), hotspot: (string|null), lang: string,
   *   cue: number, text: string, mode: string, time: number, captions: boolean, unlocked: boolean}}
   */
  getState() {
    const item = this.item;
    return Object.assign(this._detail(item), { mode: this.mode(), time: this.time(), captions: this.captionsOn, unlocked: this.unlocked });
  }

  // ---- control -------------------------------------------------------------

  /**
   * Play the current narration (or resume it), from a time if given. Does nothing for a
   * narration without audio or cues in this language.
   * @param {number} [from] Seconds.
   */
  play(from) {
    const item = this.item;
    const mode = this.mode();
    if (!item || (mode !== "audio" && mode !== "timed")) return;
    this.unlocked = true;
    this._unlisten();
    const resume = item.state === "paused" || item.state === "playing";
    if (item.state === "playing") this._halt();
    const start = from !== undefined ? from : resume ? item.pos : 0;
    item.pos = start;
    item.state = "playing";
    const token = ++this._token;
    if (mode === "audio") {
      const audio = this.audio;
      const url = this._url(this.track().audio);
      // play() at once (inside the gesture, as iOS wants); a new file is sought once its
      // length is known (loadedmetadata, before it makes a sound): its load resets the position.
      if (this._src !== url) {
        this._src = url;
        audio.preload = "auto";
        audio.src = url;
        this._seek = start > 0 ? start : null;
      } else if (audio.readyState >= 1) {
        // No needless seek: a file that cannot be sought would go back to its start.
        if (Math.abs(audio.currentTime - start) > 0.05) audio.currentTime = start;
      } else {
        this._seek = start;
      }
      const playing = audio.play();
      if (playing && playing.catch) playing.catch((err) => this._refused(err, token));
    } else {
      this._clock = { origin: performance.now(), offset: start };
    }
    this.cue = cueAt(this.cues(), start);
    this._emit(item);
    this._render();
    this._loop();
  }

  /** Pause the current narration. */
  pause() {
    const item = this.item;
    if (!item || item.state !== "playing") return;
    this._halt();
    item.state = "paused";
    this._emit(item);
    this._render();
  }

  /** Play when paused (or not started), pause when playing. */
  toggle() {
    if (this.item && this.item.state === "playing") this.pause();
    else this.play();
  }

  /** Play the current narration from its start. */
  replay() {
    this.play(0);
  }

  /**
   * Show or hide the captions (over the panorama and in dialogs).
   * @param {boolean} [on] Default: the other way.
   */
  setCaptions(on) {
    this.captionsOn = on === undefined ? !this.captionsOn : !!on;
    this._render();
  }

  /**
   * Open the transcript of the current scene's narration (a dialog).
   * @param {HTMLElement} [returnFocus]
   * @returns {boolean} Whether the scene has a narration.
   */
  openTranscript(returnFocus) {
    const item = this.sceneItem;
    if (!item || this.mode(item) === "none") return false;
    const player = this.player;
    const lang = this.lang;
    const scene = player.tour.scenes[item.scene];
    const title = player._local(scene.title).text || item.scene;
    const view = this._view({ item: () => item });
    const text = transcript({ cues: this.cues(item), text: player._local(item.narration.text), lang });
    const open = { item, text };
    this._transcript = open;
    const uiLang = narrationUiLanguage(lang);
    player.dialogs.open({
      title: { text: say(lang, "transcriptTitle", { title }), lang: uiLang },
      content: [view.element, text.element],
      kind: "transcript",
      returnFocus: returnFocus || this.bar.transcriptButton,
      onClose: () => {
        this._views.delete(view);
        if (this._transcript === open) this._transcript = null;
      },
    });
    this._render();
    return true;
  }

  // ---- scenes, hotspots, language --------------------------------------------

  /**
   * A scene is shown: its narration becomes the current one (and plays, after the first
   * gesture); any other stops.
   * @param {string} id
   */
  showScene(id) {
    const scenes = this.player.tour.scenes;
    const scene = own(scenes, id) ? scenes[id] : null;
    if (this.sceneItem && this.sceneItem.scene === id && this.item === this.sceneItem) return;
    this._release(this.item, "stopped");
    if (this.sceneItem !== this.item) this._release(this.sceneItem, "stopped");
    this.sceneItem = scene && scene.narration ? newItem(scene.narration, id, null) : null;
    this.item = this.sceneItem;
    this.cue = -1;
    this._render();
    if (this.item && this.unlocked) this.play(0);
  }

  /**
   * The narration part of a hotspot's dialog (play, pause, replay, its captions); makes the
   * hotspot's narration the current one and plays it (after the first gesture), pausing the
   * scene's. Put `node` in the dialog and call `close` when the dialog closes.
   * @param {Object} spot A hotspot of the current scene (or anything with a `narration`,
   *   an `id` and a `kind` other than "scene").
   * @returns {{node: HTMLElement, close: function():void}|null} null when there is nothing to
   *   play in the current language (no narration, or its text only: the dialog shows text).
   */
  hotspotPart(spot) {
    const mode = spot && spot.kind !== "scene" ? this.mode(newItem(spot.narration, null, null)) : "none";
    if (mode !== "audio" && mode !== "timed") return null;
    const previous = this.item;
    if (previous && previous === this.sceneItem) this.pause();
    else this._release(previous, "stopped");
    const item = newItem(spot.narration, this.player.getScene(), spot.id);
    this.item = item;
    this.cue = -1;
    const view = this._view({ item: () => item, caption: true });
    this._render();
    if (this.unlocked) this.play(0);
    return {
      node: view.element,
      close: () => {
        this._views.delete(view);
        if (this.item !== item) return;
        this._release(item, "stopped");
        this.item = this.sceneItem;
        this.cue = this.item && this.item.state === "paused" ? cueAt(this.cues(), this.item.pos) : -1;
        this._render();
      },
    };
  }

  /**
   * The language changed: text, audio and captions follow; a narration that is playing goes
   * on from the start of the same sentence.
   * @param {string} code
   */
  setLanguage(code) {
    if (code === this.lang) return;
    const old = this.lang;
    const item = this.item;
    const playing = !!item && item.state === "playing";
    const index = this.cue;
    if (playing) this._halt();
    this.lang = code;
    // Where each paused narration resumes: the start of the same sentence in the new language.
    const sameSentence = (it, i) => {
      const cues = this.cues(it);
      return cues.length ? cues[Math.min(Math.max(i, 0), cues.length - 1)].start : 0;
    };
    for (const it of new Set([this.sceneItem, item])) {
      if (it && it !== item && it.state === "paused") it.pos = sameSentence(it, cueAt(this.cues(it, old), it.pos));
    }
    if (!item) return this._render();
    if (playing) {
      const mode = this.mode();
      if (mode === "audio" || mode === "timed") {
        item.state = "paused";
        this.play(sameSentence(item, index));
        return undefined;
      }
      item.state = "stopped";
      item.pos = 0;
      this.cue = -1;
      this._emit(item);
    } else if (item.state === "paused") {
      item.pos = sameSentence(item, cueAt(this.cues(item, old), item.pos));
      this.cue = cueAt(this.cues(), item.pos);
    }
    this._render();
    return undefined;
  }

  /** Stop everything and remove the bar. */
  dispose() {
    this._release(this.item, "stopped");
    this._unlisten();
    document.removeEventListener("play", this._onMedia, true);
    this._src = "";
    this.audio.removeAttribute("src");
    this.audio.load();
    this.element.remove();
  }

  // ---- the first gesture -----------------------------------------------------

  /** Wait for the learner's first gesture (see the module's description). */
  listenForGesture() {
    const onGesture = (e) => {
      if (this.unlocked) return this._unlisten();
      if (e.type === "keydown" && (NOT_GESTURES.includes(e.key) || e.repeat)) return undefined;
      // The narration's own buttons act by themselves (the "Listen" button plays).
      if (e.target instanceof Element && e.target.closest("[data-narration-controls]")) return undefined;
      this.unlocked = true;
      this._unlisten();
      const item = this.item;
      if (item && item.state !== "playing" && item.state !== "ended") this.play();
      else this._render();
      return undefined;
    };
    this._unlisten();
    this._unlisten = () => {
      for (const type of GESTURES) window.removeEventListener(type, onGesture, true);
      this._unlisten = () => {};
    };
    for (const type of GESTURES) window.addEventListener(type, onGesture, true);
  }

  _unlisten() {}

  // ---- inside ----------------------------------------------------------------

  _url(key) {
    return this.player._mediaUrl(key);
  }

  _playingAudio() {
    return !!this.item && this.item.state === "playing" && this._clock === null && this.mode() === "audio";
  }

  /** Stop the clock and the audio of the current item, keeping its position. */
  _halt() {
    const item = this.item;
    if (item && item.state === "playing") item.pos = this.time();
    this._token += 1;
    this._clock = null;
    this._seek = null;
    if (!this.audio.paused) this.audio.pause();
    if (this._raf) cancelAnimationFrame(this._raf);
    this._raf = 0;
  }

  /** An item gives way to another: if it was started, it is now `state` ("paused"/"stopped"). */
  _release(item, state) {
    if (!item) return;
    if (item === this.item) this._halt();
    if (item.state !== "playing" && item.state !== "paused") return;
    if (state === "stopped") item.pos = 0;
    const changed = item.state !== state;
    item.state = state;
    if (changed) this._emit(item, -1);
  }

  _end() {
    const item = this.item;
    this._halt();
    item.pos = 0;
    item.state = "ended";
    this.cue = -1;
    this._emit(item);
    this._render();
  }

  /** play() was refused (autoplay rules) or failed. */
  _refused(err, token) {
    if (token !== this._token) return; // paused, or another play since
    if (err && err.name === "NotAllowedError") {
      this._halt();
      this.unlocked = false;
      this.item.state = "paused";
      this._emit(this.item);
      this._render();
      this.listenForGesture();
    } else if (!err || err.name !== "AbortError") {
      this._fail();
    }
  }

  /** The audio cannot be played: its track is played without sound (captions at their times). */
  _fail() {
    const url = this._src;
    if (!url || this._failed.has(url)) return;
    this._failed.add(url);
    this._src = "";
    const item = this.item;
    if (item && item.state === "playing") {
      const at = this.time();
      this._halt();
      item.state = "paused";
      this.play(at);
    } else {
      this._render();
    }
  }

  _loop() {
    if (this._raf) return;
    const step = () => {
      this._raf = 0;
      if (!this.item || this.item.state !== "playing") return;
      this._tick();
      if (this.item && this.item.state === "playing") this._raf = requestAnimationFrame(step);
    };
    this._raf = requestAnimationFrame(step);
  }

  /** Follow the time: the cue shown, the end of a narration without audio. */
  _tick() {
    const item = this.item;
    if (!item || item.state !== "playing") return;
    const time = this.time();
    if (this._clock) {
      const track = this.track();
      const cues = this.cues();
      const end = (track && track.duration) || (cues.length ? cues[cues.length - 1].end : 0);
      if (time >= end) {
        this._end();
        return;
      }
    }
    const index = cueAt(this.cues(), time);
    if (index !== this.cue) {
      this.cue = index;
      this._emit(item);
      this._renderCue();
    }
  }

  _detail(item, cue) {
    const index = cue !== undefined ? cue : item === this.item ? this.cue : -1;
    const cues = item ? this.cues(item) : [];
    return {
      state: item ? item.state : "idle",
      scene: item ? item.scene : this.player.getScene(),
      hotspot: item ? item.hotspot : null,
      lang: this.lang,
      cue: index,
      text: index >= 0 && cues[index] ? cues[index].text : "",
    };
  }

  _emit(item, cue) {
    this.player._events.emit("narration", this._detail(item, cue));
  }

  /** A group of controls for the item `spec.item()` returns. */
  _view(spec) {
    const controls = new NarrationControls({
      bar: spec.bar,
      caption: spec.caption,
      onAction: (action) => {
        if (action === "captions") return this.setCaptions();
        if (action === "transcript") return this.openTranscript(controls.transcriptButton);
        const item = spec.item();
        if (!item) return undefined;
        if (item !== this.item) {
          // The scene's bar while another narration is current (from the API): back to the scene.
          this._release(this.item, "stopped");
          this.item = item;
        }
        return action === "replay" ? this.replay() : this.toggle();
      },
    });
    const view = { element: controls.element, controls, item: spec.item, transcriptButton: controls.transcriptButton };
    this._views.add(view);
    controls.update(this._viewState(spec.item()));
    return view;
  }

  _viewState(item) {
    const mode = this.mode(item);
    const track = this.track(item);
    return {
      mode,
      state: item ? item.state : "idle",
      listen: !this.unlocked && !!item && item.state !== "playing",
      captions: this.captionsOn,
      label: track && track.robot ? "robot" : track && track.engine === "none" ? "noSound" : null,
      lang: this.lang,
      caption: this._captionOf(item),
    };
  }

  /** The caption text an item shows now ("" when it is not the current one). */
  _captionOf(item) {
    if (!item || item !== this.item || !this.captionsOn || this.cue < 0) return "";
    if (item.state !== "playing" && item.state !== "paused") return "";
    const cue = this.cues()[this.cue];
    return cue ? cue.text : "";
  }

  _render() {
    for (const view of this._views) view.controls.update(this._viewState(view.item()));
    this._renderCue();
  }

  _renderCue() {
    const scene = this.sceneItem;
    this.captions.show(scene === this.item ? this._captionOf(scene) : "", this.lang);
    for (const view of this._views) {
      const item = view.item();
      view.controls.showCaption(this._captionOf(item), this.lang);
    }
    if (this._transcript) {
      const open = this._transcript;
      const live = open.item === this.item && (open.item.state === "playing" || open.item.state === "paused");
      open.text.highlight(live ? this.cue : -1);
    }
  }
}

function newItem(narration, scene, hotspot) {
  return { narration: narration || null, scene, hotspot, state: "idle", pos: 0 };
}

/**
 * Join narration to a player: the bar and captions over the panorama, the scene and
 * language events, the first gesture.
 * @param {import("./player.js").TourPlayer} player
 * @returns {Narrator}
 */
export function startNarration(player) {
  const narrator = new Narrator(player);
  player.stage.appendChild(narrator.element);
  player.on("scenechange", (detail) => narrator.showScene(detail.id));
  player.on("languagechange", (detail) => narrator.setLanguage(detail.language));
  narrator.listenForGesture();
  return narrator;
}
