/**
 * VR for the player: the toolbar's "Enter VR" button where the browser can show an
 * immersive-vr session (immersive.js), else, on touch screens, the cardboard button
 * (cardboard.js). Both show the tour through the same stage (stage.js: hotspot targets,
 * dialog panels, pointing, gaze dwell). The player keeps working as it does on the page:
 * hotspots are activated, scenes loaded and dialogs opened by the same code; only what is
 * shown, and how one points, changes. Idle autorotate waits while a mode is on.
 * @module vr
 */
import "./vr.css";
import { pathIcon } from "../icons.js";
import { beginCardboard } from "./gesture.js";
import { loadVrModes } from "./load.js";

/** A VR headset seen from the front (24×24, drawn like icons.js). */
const HEADSET = "M3.5 8h17v9h-5.5l-3-3-3 3H3.5zM7.5 12.5h1M15.5 12.5h1";
/** A headset with a phone slid into its top. */
const CARDBOARD = "M3.5 10h17v8h-5.5l-3-3-3 3H3.5zM6 6.5h12v3.5";

/** Whether this is a touch screen that may have a motion sensor (a phone or a tablet). */
function touchScreen() {
  return navigator.maxTouchPoints > 0 && typeof window.DeviceOrientationEvent === "function";
}

/**
 * @typedef {Object} Vr
 * @property {string|null} mode "immersive", "cardboard", or null.
 * @property {function():Promise<boolean>} enterVr Start immersive VR (inside a click).
 * @property {function():boolean} enterCardboard Start the cardboard mode (inside a tap).
 * @property {function():void} leave End either.
 * @property {function():number} frames Frames drawn in the current (or last) mode.
 * @property {function():Array} targets What can be chosen now, with world positions (stage.js).
 * @property {function():Object} aim What each ray is on: `{gaze, "controller-right", …}` → key,
 *   and `dwell`, how far the gaze's ring is filled (0 to 1).
 * @property {function():string[]|null} panelText What the open panel says, in order.
 * @property {function():void} dispose
 */

/**
 * Add VR to a player (its toolbar buttons and modes).
 * @param {import("../player.js").TourPlayer} player
 * @returns {Vr|null} null without WebGL or with the option `vr` off.
 */
export function startVr(player) {
  if (!player.viewer || !player.options.vr) return null;
  const root = player.root;
  const toolbar = player.toolbar;
  let current = null;
  let last = null;
  /** Whether the cardboard mode is waiting for vr.js. */
  let starting = false;
  let disposed = false;

  const setMode = (mode) => {
    vr.mode = mode;
    if (mode) root.setAttribute("data-vr", mode);
    else root.removeAttribute("data-vr");
    vrButton.setText(mode === "immersive" ? "leaveVr" : "enterVr");
    if (mode && player.controls) player.controls.poke();
  };
  const ended = (button) => () => {
    current = null;
    setMode(null);
    if (!button.hidden) button.focus({ preventScroll: true });
  };

  const vr = {
    mode: null,
    enterVr() {
      if (current || !navigator.xr) return Promise.resolve(false);
      // vr.js is loaded when the button is shown, so the session starts inside the click.
      return loadVrModes().then(({ Immersive }) => {
        if (current || disposed) return false;
        const immersive = new Immersive(player, ended(vrButton.button));
        current = last = immersive;
        setMode("immersive");
        return immersive.start().then(
          () => true,
          (err) => {
            console.warn("tourbuilder: no VR session:", err); // eslint-disable-line no-console
            if (current === immersive) {
              current = null;
              setMode(null);
            }
            player._addNotice("vrFailed");
            return false;
          },
        );
      }, () => {
        player._addNotice("vrFailed");
        return false;
      });
    },
    enterCardboard() {
      if (current || starting) return false;
      // The motion sensor and full screen are asked for now, inside the tap; vr.js may still load.
      const begun = beginCardboard(player);
      starting = true;
      loadVrModes().then(
        ({ Cardboard }) => {
          starting = false;
          if (disposed || current) return;
          const cardboard = new Cardboard(player, ended(cardboardButton.button));
          current = last = cardboard;
          setMode("cardboard");
          cardboard.start(begun);
        },
        (err) => {
          starting = false;
          console.warn("tourbuilder: no cardboard mode:", err); // eslint-disable-line no-console
          if (!begun.gyroWasOn) begun.gyro.disable();
          player._addNotice("vrFailed");
        },
      );
      return true;
    },
    leave() {
      if (current && current.end) current.end();
    },
    frames: () => (last ? last.frames : 0),
    targets: () => (current && current.stage ? current.stage.describe() : []),
    panelText: () => (current && current.stage && current.stage.panel.open ? current.stage.panel.lines.slice() : null),
    aim() {
      const out = {};
      if (current && current.stage) {
        for (const [id, hit] of current.stage.hits) out[id] = hit ? hit.key : null;
        out.dwell = current.stage.dwellProgress;
      }
      return out;
    },
    dispose() {
      disposed = true;
      vr.leave();
      if (autorotate) autorotate.blocked = blocked;
    },
  };

  const vrButton = toolbar.addButton({
    action: "vr",
    icon: () => pathIcon(HEADSET, "vr"),
    text: "enterVr",
    onClick: () => (vr.mode === "immersive" ? vr.leave() : vr.enterVr()),
  });
  const cardboardButton = toolbar.addButton({
    action: "cardboard",
    icon: () => pathIcon(CARDBOARD, "cardboard"),
    text: "cardboard",
    onClick: () => vr.enterCardboard(),
  });

  // Idle autorotate would turn the world under the learner: it waits while a mode is on.
  const autorotate = player.controls && player.controls.autorotate;
  const blocked = autorotate && autorotate.blocked;
  if (autorotate) autorotate.blocked = () => vr.mode !== null || blocked();

  const whenReady = (fn) => (player.ready ? fn() : player.on("ready", fn));
  const xr = navigator.xr;
  // In a frame without allow="xr-spatial-tracking" (many LMSs) asking would only log a
  // permissions-policy violation: no VR there (embed.js offers a new window instead).
  const policy = document.permissionsPolicy || document.featurePolicy;
  const xrAllowed = !policy || typeof policy.allowsFeature !== "function" || policy.allowsFeature("xr-spatial-tracking");
  const check = () => {
    const supported =
      xr && xrAllowed && typeof xr.isSessionSupported === "function"
        ? Promise.resolve(xr.isSessionSupported("immersive-vr")).catch(() => false)
        : Promise.resolve(false);
    supported.then((yes) => {
      if (disposed) return;
      vrButton.button.hidden = !yes;
      cardboardButton.button.hidden = !!yes || !touchScreen();
      // A headset loads vr.js once the first scene is drawn (never sharing the link with the
      // first picture), so that the session starts inside the click; a phone loads it on the tap.
      if (yes) whenReady(() => loadVrModes().catch(() => {}));
    });
  };
  check();
  if (xr && typeof xr.addEventListener === "function") xr.addEventListener("devicechange", check);
  return vr;
}
