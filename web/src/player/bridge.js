/**
 * The postMessage bridge: a page that shows the tour in an `<iframe>` (of any origin) calls
 * the player's JavaScript API and hears its events through `window.postMessage`.
 *
 * Protocol version 1 (every message is a plain object with `tourbuilder: 1`):
 *
 *     parent → player  {tourbuilder: 1, id, method, args}     id: a string or a number, chosen by
 *                                                              the caller; args: an array (optional)
 *     player → parent  {tourbuilder: 1, id, result}            the method's value (a promise's, once
 *                                                              it settles)
 *                      {tourbuilder: 1, id, error: {code, message}}
 *                                                              code: "bad-request", "unknown-method",
 *                                                              "bad-args" or "failed"
 *     player → parent  {tourbuilder: 1, event, detail}         the player's events (see BRIDGE_EVENTS)
 *
 * Methods ({@link METHOD_NAMES}): getScene(), loadScene(id, view?), lookAt(yaw, pitch, fov?),
 * getView(), getHotspots(), setLanguage(code), getLanguage(), isReady(). They behave as the
 * TourPlayer methods of the same names, except that `lookAt` answers with the view it reached,
 * and an unknown scene or language is a "bad-args" error.
 *
 * Origin policy: the bridge runs only in a frame, and acts only on messages whose source is
 * `window.parent` (never a sibling frame, a popup or the page itself). `config.bridge` can narrow
 * it: `{"origins": ["https://lms.example.org"]}` accepts requests only from those origins and
 * posts events only to them; without it any parent origin is served and events are posted
 * with targetOrigin "*" (a tour holds no secrets; the learner's quiz result goes to the page
 * that shows the tour); `"bridge": false` turns the bridge off. Replies always go to the
 * origin the request came from. Messages without a `tourbuilder` key are left alone (other
 * scripts use postMessage too); requests from a refused origin get no answer.
 * @module bridge
 */

/** The protocol version (the `tourbuilder` field of every message). */
export const PROTOCOL = 1;

/** Player events posted to the parent. `narration` is posted when the player emits it. */
export const BRIDGE_EVENTS = ["ready", "scenechange", "hotspot", "narration", "quizfinished", "languagechange"];

/** A refused call: becomes an error reply with this code. */
class CallError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function badArgs(message) {
  return new CallError("bad-args", message);
}

function finite(value) {
  return typeof value === "number" && Number.isFinite(value);
}

function hasOwn(object, key) {
  return !!object && Object.prototype.hasOwnProperty.call(object, key);
}

/** A view argument: an object whose known parts are numbers. */
function checkView(view) {
  if (view === undefined || view === null || view === "keep_heading") return;
  if (typeof view !== "object" || Array.isArray(view)) throw badArgs("view must be {yaw, pitch, fov} or \"keep_heading\"");
  for (const key of ["yaw", "pitch", "fov"]) {
    if (view[key] !== undefined && !finite(view[key])) throw badArgs(`view.${key} must be a number`);
  }
}

/** The methods a parent may call, each checking its arguments. */
function methods(player) {
  return {
    getScene: () => player.getScene(),
    loadScene: (id, view) => {
      if (typeof id !== "string" || !hasOwn(player.tour.scenes, id)) throw badArgs(`no scene "${String(id)}"`);
      checkView(view);
      const wanted = view && typeof view === "object" ? { yaw: view.yaw, pitch: view.pitch, fov: view.fov } : view;
      return player.loadScene(id, wanted || undefined);
    },
    lookAt: (yaw, pitch, fov) => {
      if (!finite(yaw) || !finite(pitch)) throw badArgs("yaw and pitch must be numbers");
      if (fov !== undefined && fov !== null && !finite(fov)) throw badArgs("fov must be a number");
      player.lookAt(yaw, pitch, fov === null ? undefined : fov);
      return player.getView();
    },
    getView: () => player.getView(),
    getHotspots: () => player.getHotspots(),
    setLanguage: (code) => {
      if (typeof code !== "string" || !player.languages.includes(code)) throw badArgs(`no language "${String(code)}"`);
      return player.setLanguage(code);
    },
    getLanguage: () => player.getLanguage(),
    isReady: () => player.isReady(),
  };
}

/** The names of the methods the bridge answers. */
export const METHOD_NAMES = Object.keys(methods(null));

/** A copy that postMessage can always send (plain data only). */
function plain(value) {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (err) {
    return null;
  }
}

function validId(id) {
  return (typeof id === "string" && id.length <= 200) || finite(id);
}

/**
 * Start answering the parent page, when the page is in a frame and the bridge is not off.
 * @param {import("./player.js").TourPlayer} player
 * @param {Object} config The player configuration (`bridge`).
 * @param {Window} [win] The player's window (tests).
 * @returns {{stop: function():void}|null} null when not started.
 */
export function startBridge(player, config, win) {
  const w = win || window;
  const setting = config ? config.bridge : undefined;
  if (setting === false) return null;
  const parent = w.parent;
  if (!parent || parent === w) return null;
  const origins =
    setting && Array.isArray(setting.origins) ? setting.origins.filter((o) => typeof o === "string") : null;
  const allowed = (origin) => !origins || origins.includes(origin);
  const table = methods(player);

  const send = (message, origin) => {
    try {
      parent.postMessage(message, origin && origin !== "null" ? origin : "*");
    } catch (err) {
      // A malformed origin in config.bridge.origins: nothing to send to.
    }
  };

  const onMessage = (event) => {
    if (event.source !== parent) return;
    const data = event.data;
    if (!data || typeof data !== "object" || !hasOwn(data, "tourbuilder")) return;
    if (!allowed(event.origin)) return;
    // Our own kinds of message (replies, events) coming back are not requests.
    if (hasOwn(data, "event") || hasOwn(data, "result") || hasOwn(data, "error")) return;
    const id = validId(data.id) ? data.id : null;
    const reply = (body) => send(Object.assign({ tourbuilder: PROTOCOL, id }, body), event.origin);
    const fail = (code, message) => reply({ error: { code, message } });
    if (data.tourbuilder !== PROTOCOL) return fail("bad-request", `unsupported protocol version ${String(data.tourbuilder)}; this player speaks ${PROTOCOL}`);
    if (id === null) return fail("bad-request", "id must be a string or a number");
    if (typeof data.method !== "string") return fail("bad-request", "method must be a string");
    if (data.args !== undefined && !Array.isArray(data.args)) return fail("bad-request", "args must be an array");
    if (!hasOwn(table, data.method)) return fail("unknown-method", `unknown method "${data.method}"; known: ${METHOD_NAMES.join(", ")}`);
    let result;
    try {
      result = table[data.method].apply(null, data.args || []);
    } catch (err) {
      return fail(err instanceof CallError ? err.code : "failed", String((err && err.message) || err));
    }
    Promise.resolve(result).then(
      (value) => reply({ result: plain(value) }),
      (err) => fail("failed", String((err && err.message) || err)),
    );
  };

  const listeners = BRIDGE_EVENTS.map((name) => {
    const fn = (detail) => {
      const message = { tourbuilder: PROTOCOL, event: name, detail: plain(detail) };
      for (const origin of origins || ["*"]) send(message, origin);
    };
    player.on(name, fn);
    return [name, fn];
  });
  w.addEventListener("message", onMessage);
  return {
    stop() {
      w.removeEventListener("message", onMessage);
      for (const [name, fn] of listeners) player.off(name, fn);
    },
  };
}
