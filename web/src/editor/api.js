/**
 * The editor's client of the JSON API (/api/, see the API contract): fetch with the page's CSRF
 * token, JSON in and out, and errors as {@link ApiError} carrying the server's message.
 * @module editor/api
 */

/** A refused or failed request: `status` (0: no connection), `message`, `problems`, `body`. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body || {};
    this.problems = (this.body.error && this.body.error.problems) || [];
  }
}

/** The CSRF token the app put in the page (`<meta name="csrf-token">`). */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

function errorFrom(status, body, fallback) {
  const message = body && body.error && body.error.message ? body.error.message : fallback;
  return new ApiError(status, message, body);
}

async function readJson(response) {
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("json")) return null;
  try {
    return await response.json();
  } catch (err) {
    return null;
  }
}

/**
 * Make an API client.
 * @param {{base?: string, messages?: {offline: string, failed: string}}} [options]
 */
export function createApi(options) {
  const base = (options && options.base) || "/api";
  const messages = Object.assign({ offline: "No connection to the server.", failed: "The server refused: {status}." },
    (options && options.messages) || {});

  /**
   * Send a request. Resolves with `{status, body, headers}` for 2xx; rejects with ApiError.
   * @param {string} method
   * @param {string} path Below /api, e.g. "/tours/demo".
   * @param {{json?: Object, form?: FormData, headers?: Object}} [init]
   */
  async function request(method, path, init) {
    const headers = Object.assign({ Accept: "application/json" }, (init && init.headers) || {});
    let body;
    if (init && init.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init && init.form) {
      body = init.form;
    }
    if (method !== "GET" && method !== "HEAD") headers["X-CSRFToken"] = csrfToken();
    let response;
    try {
      response = await fetch(base + path, { method, headers, body, credentials: "same-origin" });
    } catch (err) {
      throw new ApiError(0, messages.offline);
    }
    const data = await readJson(response);
    if (!response.ok) throw errorFrom(response.status, data, messages.failed.replace("{status}", String(response.status)));
    return { status: response.status, body: data, headers: response.headers };
  }

  /**
   * Upload a file with progress (XMLHttpRequest: fetch has no upload progress).
   * @param {string} path
   * @param {FormData} form
   * @param {function(number):void} [onProgress] 0..1 of the bytes sent.
   * @returns {Promise<{status: number, body: Object}>}
   */
  function upload(path, form, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", base + path);
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.responseType = "text";
      if (onProgress) {
        xhr.upload.addEventListener("progress", (e) => {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        });
      }
      xhr.addEventListener("load", () => {
        let data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch (err) {
          data = null;
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, body: data });
        else reject(errorFrom(xhr.status, data, messages.failed.replace("{status}", String(xhr.status))));
      });
      xhr.addEventListener("error", () => reject(new ApiError(0, messages.offline)));
      xhr.send(form);
    });
  }

  /**
   * Follow a job until it is done or failed.
   * @param {Object} job As the API returns it ({id, state, progress, stage}).
   * @param {function(Object):void} [onProgress] Gets each job state.
   * @returns {Promise<Object>} The finished job (state "done"); rejects with ApiError when it failed.
   */
  async function waitForJob(job, onProgress) {
    let current = job;
    for (;;) {
      if (onProgress) onProgress(current);
      if (current.state === "done") return current;
      if (current.state === "failed") throw new ApiError(422, current.error || "failed", { job: current });
      await new Promise((r) => setTimeout(r, 400));
      current = (await request("GET", `/jobs/${encodeURIComponent(current.id)}`)).body;
    }
  }

  return {
    request,
    upload,
    waitForJob,
    get: (path) => request("GET", path),
    post: (path, json) => request("POST", path, { json: json === undefined ? {} : json }),
    put: (path, json, headers) => request("PUT", path, { json, headers }),
    del: (path) => request("DELETE", path),
  };
}
