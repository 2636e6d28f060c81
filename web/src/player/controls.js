/**
 * The player's extra ways of moving the view and of getting ready for the next scene,
 * joined to a {@link TourPlayer}: the gyroscope (gyro.js, with its toolbar button), idle
 * autorotate (autorotate.js) and the prefetch of the linked scenes' previews (prefetch.js).
 * Their settings are the player options `gyro`, `autorotateDelay`, `autorotateSpeed` and
 * `prefetch` (see DEFAULT_OPTIONS in player.js).
 * @module controls
 */
import "./controls.css";
import { Autorotate } from "./autorotate.js";
import { GyroControl } from "./gyro.js";
import { Prefetcher } from "./prefetch.js";

function hasOwn(object, key) {
  return !!object && Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * The preview URLs of the tiled scenes a scene's links lead to (hotspot order, no repeats,
 * not the scene itself).
 * @param {Object} tour The tour document.
 * @param {Object} panoramas `config.panoramas`.
 * @param {string|null} sceneId
 * @returns {string[]}
 */
export function linkedPreviews(tour, panoramas, sceneId) {
  const scene = hasOwn(tour.scenes, sceneId) ? tour.scenes[sceneId] : null;
  const urls = [];
  for (const spot of (scene && scene.hotspots) || []) {
    if (spot.kind !== "scene" || spot.target === sceneId || !hasOwn(tour.scenes, spot.target)) continue;
    const key = tour.scenes[spot.target].panorama;
    const pyramid = hasOwn(panoramas, key) ? panoramas[key] : null;
    if (pyramid && typeof pyramid.preview === "string" && !urls.includes(pyramid.preview)) urls.push(pyramid.preview);
  }
  return urls;
}

/**
 * @typedef {Object} Controls
 * @property {GyroControl|null} gyro null when the option `gyro` is off.
 * @property {Autorotate} autorotate
 * @property {Prefetcher} prefetch
 * @property {function():void} poke Counts as input: stops autorotate and waits again.
 * @property {function():void} dispose
 */

/**
 * Join the controls to a player (its viewer, toolbar, dialogs and events).
 * @param {import("./player.js").TourPlayer} player
 * @returns {Controls|null} null without WebGL.
 */
export function startControls(player) {
  const viewer = player.viewer;
  if (!viewer) return null;
  const options = player.options;
  let gyro = null;
  const autorotate = new Autorotate(viewer, player.root, {
    delay: options.autorotateDelay,
    speed: options.autorotateSpeed,
    blocked: () => (gyro !== null && gyro.active) || player.dialogs.current !== null,
  });
  if (options.gyro) {
    const toolbar = player.toolbar;
    gyro = new GyroControl(viewer, {
      onAvailable: (available) => toolbar.showGyro(available),
      onChange: (on) => {
        toolbar.setGyroActive(on);
        autorotate.poke();
      },
      onDenied: () => player._addNotice("gyroDenied"),
    });
    // The permission prompt must be asked for inside the click itself (iOS).
    toolbar.addGyroButton(() => {
      gyro.toggle();
    });
  }
  const prefetch = new Prefetcher({
    linkedPreviews: () => linkedPreviews(player.tour, player.panoramas, player.getScene()),
    busy: () => {
      const stats = player.getTileStats();
      return !!stats && (stats.inFlight > 0 || stats.queued > 0);
    },
  });
  if (!options.prefetch) prefetch.enabled = false;
  const onReady = () => autorotate.start();
  const onScene = () => {
    autorotate.poke();
    prefetch.sceneChanged();
  };
  const onSharp = () => prefetch.sharp();
  player.on("ready", onReady);
  player.on("scenechange", onScene);
  player.on("sharp", onSharp);
  return {
    gyro,
    autorotate,
    prefetch,
    poke: () => autorotate.poke(),
    dispose() {
      player.off("ready", onReady);
      player.off("scenechange", onScene);
      player.off("sharp", onSharp);
      autorotate.dispose();
      if (gyro) gyro.dispose();
      prefetch.enabled = false;
      prefetch.sceneChanged();
    },
  };
}
