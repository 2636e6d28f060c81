/**
 * cmi5 (an AU launched by an LMS with an xAPI record store): the launch parameters, the auth
 * token, `LMS.LaunchData`, and xAPI statements with the cmi5 context.
 *
 * - launch: the LMS adds `endpoint`, `fetch`, `actor`, `registration` and `activityId` to the
 *   URL ({@link cmi5Launch});
 * - start: POST to `fetch` once for the auth token (kept in sessionStorage, by fetch URL, for a
 *   reload of the same launch: the fetch URL works only once), GET the `LMS.LaunchData` state (context
 *   template, launch mode, masteryScore, moveOn, returnURL), the learner's language preference
 *   (agent profile `cmi5LearnerPreferences`, optional) and the resume state (state
 *   `https://tourbuilder.invalid/xapi/state/resume`), then send "initialized";
 * - every save: PUT the resume state; in launch mode Normal, "completed" once the completion
 *   rule holds, "passed" or "failed" once the final quiz has a finished attempt (with score,
 *   the moveOn category and the masteryScore extension); never a second completed or passed,
 *   never failed after passed, never those in Browse or Review mode;
 * - each checked answer: an "answered" statement (a cmi5 allowed statement: the context
 *   template without the cmi5 category) with a cmi.interaction activity;
 * - finish: "terminated" with the session's duration; then, after the Finish button, the
 *   LMS's returnURL.
 *
 * Statements go out in order, one request at a time (`keepalive`, so one sent as the page
 * goes away still arrives); one that fails stays first in the queue and is sent again by the
 * next save (statement ids make a repeat harmless).
 * @module tracking/cmi5
 */
import { xapiInteraction } from "./responses.js";
import { scorm2004Time } from "./scorm2004.js";

export const VERBS = {
  initialized: "http://adlnet.gov/expapi/verbs/initialized",
  completed: "http://adlnet.gov/expapi/verbs/completed",
  passed: "http://adlnet.gov/expapi/verbs/passed",
  failed: "http://adlnet.gov/expapi/verbs/failed",
  terminated: "http://adlnet.gov/expapi/verbs/terminated",
  answered: "http://adlnet.gov/expapi/verbs/answered",
};
const CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
const CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
const MASTERY_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
/** The state document that holds the resume state (and which statements were sent). */
export const RESUME_STATE_ID = "https://tourbuilder.invalid/xapi/state/resume";
const XAPI_VERSION = "1.0.3";

/**
 * The cmi5 launch parameters of a URL's query, or null when any is missing.
 * @param {string} search `location.search`.
 * @returns {{endpoint: string, fetch: string, actor: Object, registration: string, activityId: string}|null}
 */
export function cmi5Launch(search) {
  const params = new URLSearchParams(search || "");
  const names = ["endpoint", "fetch", "actor", "registration", "activityId"];
  if (!names.every((n) => params.get(n))) return null;
  let actor;
  try {
    actor = JSON.parse(params.get("actor"));
  } catch (err) {
    return null;
  }
  if (!actor || typeof actor !== "object") return null;
  const endpoint = params.get("endpoint");
  return {
    endpoint: endpoint.endsWith("/") ? endpoint : endpoint + "/",
    fetch: params.get("fetch"),
    actor,
    registration: params.get("registration"),
    activityId: params.get("activityId"),
  };
}

function uuid() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The context template of LaunchData with the registration and more categories / extensions. */
export function contextOf(template, registration, categories, extensions) {
  const context = JSON.parse(JSON.stringify(template || {}));
  context.registration = registration;
  context.contextActivities = context.contextActivities || {};
  if (categories.length) {
    const own = context.contextActivities.category || [];
    context.contextActivities.category = own.concat(categories.map((id) => ({ id, objectType: "Activity" })));
  }
  if (extensions) context.extensions = Object.assign({}, context.extensions || {}, extensions);
  return context;
}

/** The best of the learner's languages (cmi5LearnerPreferences) that the tour has. */
export function preferredLanguage(preference, languages) {
  for (const tag of String(preference || "").split(",")) {
    const code = tag.trim().toLowerCase().split("-")[0];
    if (code && languages.includes(code)) return code;
  }
  return null;
}

/** The cmi5 tracker of an AU. */
export class Cmi5Tracker {
  /**
   * @param {ReturnType<typeof cmi5Launch>} launch
   * @param {{languages: string[], fetch?: typeof fetch}} options
   */
  constructor(launch, options) {
    this.kind = "cmi5";
    this.limit = 64000;
    this.launch = launch;
    this.languages = options.languages || [];
    this.fetch = options.fetch || window.fetch.bind(window);
    this.queue = [];
    this.sending = null;
    this.sent = { completed: false, passed: false, failed: false };
    this.startTime = Date.now();
    this.started = false;
    this.finished = false;
    this.mode = "normal";
    this.lastState = null;
    this.lastError = null;
  }

  /**
   * Open the session (asynchronous).
   * @returns {Promise<Object>} {status, suspendData, learner, passMark, mode, language, returnUrl}
   */
  async start() {
    try {
      this.token = await this._token();
      const launchData = await this._getJson(this._stateUrl("LMS.LaunchData"));
      if (!launchData) throw new Error("no LMS.LaunchData");
      this.launchData = launchData;
      this.mode = String(launchData.launchMode || "Normal").toLowerCase();
      const mastery = Number(launchData.masteryScore);
      this.masteryScore = launchData.masteryScore !== undefined && Number.isFinite(mastery) ? mastery : null;
      let language = null;
      try {
        const prefs = await this._getJson(this._profileUrl("cmi5LearnerPreferences"));
        language = prefs ? preferredLanguage(prefs.languagePreference, this.languages) : null;
      } catch (err) {
        language = null;
      }
      const resume = (await this._getJson(this._stateUrl(RESUME_STATE_ID))) || {};
      if (resume.sent && typeof resume.sent === "object") Object.assign(this.sent, resume.sent);
      this.started = true;
      this.startTime = Date.now();
      this._queue("initialized", {});
      await this._flush();
      const actor = this.launch.actor;
      return {
        status: "connected",
        suspendData: typeof resume.data === "string" ? resume.data : "",
        learner: { id: (actor.account && actor.account.name) || actor.mbox || "", name: actor.name || "" },
        passMark: this.masteryScore !== null ? Math.round(this.masteryScore * 1000) / 10 : null,
        mode: this.mode,
        language,
        returnUrl: launchData.returnURL || null,
      };
    } catch (err) {
      this.lastError = { element: "launch", code: "", text: String(err && err.message ? err.message : err) };
      return { status: "lms-failed" };
    }
  }

  /**
   * Save the resume state and send the statements a change of status calls for.
   * @param {Object} snapshot See course.js.
   * @returns {Promise<boolean>} Whether everything arrived.
   */
  async save(snapshot) {
    if (!this.started || this.finished) return false;
    this._statusStatements(snapshot);
    return this._persist(snapshot);
  }

  /** Queue an "answered" statement for a checked answer. */
  record(interaction) {
    if (!this.started || this.finished) return false;
    const map = (text) => {
      const out = {};
      for (const [lang, value] of Object.entries(text || {})) if (value) out[lang] = value;
      return Object.keys(out).length ? out : { und: interaction.id };
    };
    const { definition, response } = xapiInteraction(interaction.question, interaction.answer, map);
    this._queue("answered", {
      object: { id: `${this.launch.activityId}/question/${interaction.id}`, objectType: "Activity", definition },
      result: { success: interaction.correct, response, duration: scorm2004Time(interaction.latencyMs) },
      contextActivities: { parent: [{ id: this.launch.activityId, objectType: "Activity" }] },
    });
    return true;
  }

  /**
   * Save, send "terminated" and, when asked, go to the LMS's returnURL.
   * @param {Object} [snapshot]
   * @param {{navigate?: boolean}} [options]
   * @returns {Promise<void>}
   */
  async finish(snapshot, options) {
    if (!this.started || this.finished) return;
    if (snapshot) this._statusStatements(snapshot);
    this._queue("terminated", { result: { duration: scorm2004Time(Date.now() - this.startTime) } });
    this.finished = true;
    const saved = snapshot ? this._putState(snapshot) : Promise.resolve(true);
    await Promise.all([saved, this._flush()]);
    const back = this.launchData && this.launchData.returnURL;
    if (options && options.navigate && back) window.location.assign(back);
  }

  // ---- statements ------------------------------------------------------------------------

  _statusStatements(snapshot) {
    if (this.mode !== "normal") return;
    const { progress } = snapshot;
    const duration = () => scorm2004Time(Date.now() - this.startTime);
    if (progress.completed && !this.sent.completed) {
      this.sent.completed = true;
      this._queue("completed", { result: { completion: true, duration: duration() }, moveOn: true });
    }
    const scored = progress.criteria.some((c) => c.kind === "quiz");
    if (scored && progress.score && progress.passed !== null && !this.sent.passed) {
      const result = { success: progress.passed, duration: duration(),
        score: { scaled: progress.score.percent / 100, raw: progress.score.percent, min: 0, max: 100 } };
      if (progress.passed) {
        this.sent.passed = true;
        this._queue("passed", { result, moveOn: true, mastery: true });
      } else if (!this.sent.failed) {
        this.sent.failed = true;
        this._queue("failed", { result, moveOn: true, mastery: true });
      }
    }
  }

  _queue(verb, parts) {
    const cmi5Defined = verb !== "answered";
    const categories = cmi5Defined ? [CATEGORY_CMI5].concat(parts.moveOn ? [CATEGORY_MOVEON] : []) : [];
    const extensions = parts.mastery && this.masteryScore !== null ? { [MASTERY_EXTENSION]: this.masteryScore } : null;
    const template = this.launchData ? this.launchData.contextTemplate : {};
    const context = contextOf(template, this.launch.registration, categories, extensions);
    if (parts.contextActivities) Object.assign(context.contextActivities, parts.contextActivities);
    const statement = {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor: this.launch.actor,
      verb: { id: VERBS[verb], display: { "en-US": verb } },
      object: parts.object || { id: this.launch.activityId, objectType: "Activity" },
      context,
    };
    if (parts.result) statement.result = parts.result;
    this.queue.push(statement);
  }

  /** Send the queued statements in order; the first failure stops (and keeps) the rest. */
  _flush() {
    if (this.sending) return this.sending.then(() => (this.queue.length ? this._flush() : true));
    if (!this.queue.length) return Promise.resolve(true);
    this.sending = (async () => {
      while (this.queue.length) {
        const statement = this.queue[0];
        const ok = await this._request("POST", `${this.launch.endpoint}statements`, [statement]);
        if (!ok) return false;
        this.queue.shift();
      }
      return true;
    })().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  async _persist(snapshot) {
    const [stateOk, statementsOk] = await Promise.all([this._putState(snapshot), this._flush()]);
    return stateOk && statementsOk;
  }

  _putState(snapshot) {
    const body = { data: snapshot.suspendData, sent: this.sent };
    const text = JSON.stringify(body);
    if (text === this.lastState) return Promise.resolve(true);
    return this._request("PUT", this._stateUrl(RESUME_STATE_ID), body).then((ok) => {
      if (ok) this.lastState = text;
      return ok;
    });
  }

  // ---- HTTP -------------------------------------------------------------------------------

  _stateUrl(stateId) {
    const q = new URLSearchParams({
      activityId: this.launch.activityId,
      agent: JSON.stringify(this.launch.actor),
      registration: this.launch.registration,
      stateId,
    });
    return `${this.launch.endpoint}activities/state?${q}`;
  }

  _profileUrl(profileId) {
    const q = new URLSearchParams({ agent: JSON.stringify(this.launch.actor), profileId });
    return `${this.launch.endpoint}agents/profile?${q}`;
  }

  _headers(json) {
    const headers = { Authorization: `Basic ${this.token}`, "X-Experience-API-Version": XAPI_VERSION };
    if (json) headers["Content-Type"] = "application/json";
    return headers;
  }

  async _token() {
    // One token per launch (the fetch URL is the launch's own): a reload of the page reuses it.
    const key = `tourbuilder:cmi5-token:${this.launch.fetch}`;
    let stored = null;
    try {
      stored = window.sessionStorage.getItem(key);
    } catch (err) {
      stored = null;
    }
    if (stored) return stored;
    const response = await this.fetch(this.launch.fetch, { method: "POST" });
    const body = await response.json();
    if (!response.ok || !body || !body["auth-token"]) {
      throw new Error(`the LMS refused the auth token: ${(body && body["error-text"]) || response.status}`);
    }
    try {
      window.sessionStorage.setItem(key, body["auth-token"]);
    } catch (err) {
      // Not kept: a reload will need the LMS to launch again.
    }
    return body["auth-token"];
  }

  /** GET a JSON document; null for 404 (no such document). */
  async _getJson(url) {
    const response = await this.fetch(url, { headers: this._headers(false) });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  async _request(method, url, body) {
    try {
      const response = await this.fetch(url, {
        method,
        headers: this._headers(true),
        body: JSON.stringify(body),
        keepalive: true,
      });
      if (response.ok) return true;
      this.lastError = { element: url, code: String(response.status), text: response.statusText };
      return false;
    } catch (err) {
      this.lastError = { element: url, code: "", text: String(err && err.message ? err.message : err) };
      return false;
    }
  }
}
