/**
 * Loads the VR modes (immersive.js, cardboard.js and what they draw with) on demand: they are
 * built into a file of their own, `vr.js` beside `player.js` (see web/build.mjs), so that a
 * learner whose device has neither mode never downloads them. The player bundle lends that
 * file the three.js classes it uses (one copy of three.js on the page).
 * A classic script, not an ES module: it also loads from a folder (file://).
 * @module vr/load
 */
import {
  BufferGeometry,
  CanvasTexture,
  DoubleSide,
  Euler,
  Float32BufferAttribute,
  Group,
  Line,
  LineBasicMaterial,
  LinearFilter,
  Mesh,
  MeshBasicMaterial,
  PerspectiveCamera,
  PlaneGeometry,
  Quaternion,
  Raycaster,
  RingGeometry,
  SRGBColorSpace,
  Vector2,
  Vector3,
} from "three";

/** What vr.js may import from "three" (its build maps the import to this object). */
const THREE_PARTS = {
  BufferGeometry,
  CanvasTexture,
  DoubleSide,
  Euler,
  Float32BufferAttribute,
  Group,
  Line,
  LineBasicMaterial,
  LinearFilter,
  Mesh,
  MeshBasicMaterial,
  PerspectiveCamera,
  PlaneGeometry,
  Quaternion,
  Raycaster,
  RingGeometry,
  SRGBColorSpace,
  Vector2,
  Vector3,
};

/** The address of vr.js: beside this bundle's own script (read while the bundle first runs). */
const VR_SCRIPT = (() => {
  const script = typeof document !== "undefined" ? document.currentScript : null;
  const base = script && script.src ? script.src : "";
  return base ? new URL("vr.js", base).href : "vr.js";
})();

let loading = null;

/**
 * The VR modes, loading vr.js once.
 * @returns {Promise<{Immersive: Function, Cardboard: Function}>}
 */
export function loadVrModes() {
  const shared = (window.tourbuilderVr = window.tourbuilderVr || {});
  shared.three = THREE_PARTS;
  if (shared.modes) return Promise.resolve(shared.modes);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = VR_SCRIPT;
      script.async = true;
      script.onload = () => (shared.modes ? resolve(shared.modes) : reject(new Error("vr.js did not register")));
      script.onerror = () => {
        loading = null;
        script.remove();
        reject(new Error(`could not load ${VR_SCRIPT}`));
      };
      document.head.appendChild(script);
    });
  }
  return loading;
}
