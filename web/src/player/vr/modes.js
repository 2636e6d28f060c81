/**
 * Entry point of `vr.js`, the VR modes loaded on demand (see load.js): registers them for
 * vr/index.js. "three" is mapped by the build to the classes the player bundle lends
 * (window.tourbuilderVr.three), so the page holds one copy of three.js.
 * @module vr/modes
 */
import { Cardboard } from "./cardboard.js";
import { Immersive } from "./immersive.js";

const shared = (window.tourbuilderVr = window.tourbuilderVr || {});
shared.modes = { Immersive, Cardboard };
