/**
 * The tours dashboard (templates/tours/index.html): imports and exports as API jobs with a
 * progress bar, then a link (to the download, or to the refreshed list). Without this script the
 * export forms still download (synchronously) and every other action is a plain form.
 * @module app/dashboard
 */
import { createApi } from "../editor/api.js";
import { slug } from "../editor/quiz/model.js";

/** Mongolian first, English second; `{name}` marks a parameter. */
const STRINGS = {
  mn: {
    uploading: "Илгээж байна…",
    queued: "Дараалалд байна…",
    working: "Ажиллаж байна: {stage}",
    progress: "Явц",
    exported: "Бэлэн боллоо.",
    download: "{name}-г татах",
    imported: "«{tour}» аяллыг орууллаа.",
    showList: "Жагсаалтыг шинэчлэх",
    failed: "Бүтсэнгүй: {error}",
    offline: "Сервертэй холбогдож чадсангүй: сүлжээгээ шалгаад дахин оролдоно уу.",
    refused: "Сервер татгалзлаа ({status}).",
  },
  en: {
    uploading: "Uploading…",
    queued: "Waiting in the queue…",
    working: "Working: {stage}",
    progress: "Progress",
    exported: "Ready.",
    download: "Download {name}",
    imported: "The tour “{tour}” is imported.",
    showList: "Refresh the list",
    failed: "It did not work: {error}",
    offline: "No connection to the server: check the network and try again.",
    refused: "The server refused ({status}).",
  },
};

function strings() {
  return document.documentElement.lang === "en" ? STRINGS.en : STRINGS.mn;
}

function say(key, params) {
  let text = strings()[key];
  for (const [name, value] of Object.entries(params || {})) text = text.split(`{${name}}`).join(String(value));
  return text;
}

function element(tag, props, children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children || []) node.append(child);
  return node;
}

/** Show a job's progress in `status` (a role=status element): a labelled bar and the stage. */
function showProgress(status, fraction, text) {
  let bar = status.querySelector("progress");
  let label = status.querySelector(".job-stage");
  if (!bar) {
    label = element("span", { className: "job-stage" });
    bar = element("progress", { max: 1 });
    status.replaceChildren(label, bar);
  }
  bar.value = fraction;
  bar.setAttribute("aria-label", say("progress"));
  label.textContent = text;
}

function jobText(job) {
  if (job.state === "queued") return say("queued");
  return say("working", { stage: job.stage || "…" });
}

function showError(status, err) {
  status.replaceChildren(element("p", { className: "problem", textContent: say("failed", { error: err.message }) }));
  status.querySelector("p").setAttribute("role", "alert");
}

/** Follow a started job (`started`: {job}) in `status`; resolve with the finished job. */
async function follow(api, status, started) {
  return api.waitForJob(started.job, (job) => showProgress(status, job.progress, jobText(job)));
}

function enhanceExport(api, form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = form.querySelector(".job-status");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    showProgress(status, 0, say("queued"));
    try {
      const tourId = form.dataset.tourId;
      const started = await api.post(`/tours/${encodeURIComponent(tourId)}/exports`, { format: form.elements.format.value });
      const job = await follow(api, status, started.body);
      const link = element("a", { href: job.result.download, className: "button download",
        textContent: say("download", { name: job.result.file }) });
      link.setAttribute("download", job.result.file);
      status.replaceChildren(element("span", { textContent: say("exported") + " " }), link);
    } catch (err) {
      showError(status, err);
    } finally {
      button.disabled = false;
    }
  });
}

function enhanceImport(api, form) {
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = form.querySelector(".job-status");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    showProgress(status, 0, say("uploading"));
    try {
      const started = await api.upload("/imports", new FormData(form),
        (sent) => showProgress(status, sent * 0.3, say("uploading")));
      const job = await follow(api, status, started.body);
      const again = element("a", { href: window.location.pathname, textContent: say("showList") });
      status.replaceChildren(element("span", { textContent: say("imported", { tour: job.result.tour }) + " " }), again);
    } catch (err) {
      showError(status, err);
    } finally {
      button.disabled = false;
    }
  });
}

/**
 * The new-tour form: the id follows the English title (Latin letters) until the author types an
 * id of their own, so a newcomer need not invent one.
 * @param {HTMLFormElement} form
 */
function suggestId(form) {
  const id = form.elements.namedItem("id");
  const title = form.elements.namedItem("title_en");
  if (!id || !title) return;
  let own = id.value !== "";
  id.addEventListener("input", () => { own = id.value !== ""; });
  title.addEventListener("input", () => {
    if (!own) id.value = slug(title.value);
  });
}

function start() {
  const api = createApi({ messages: { offline: say("offline"), failed: say("refused") } });
  document.querySelectorAll("form.export-form").forEach((form) => enhanceExport(api, form));
  const importForm = document.getElementById("import-form");
  if (importForm) enhanceImport(api, importForm);
  const newTour = document.querySelector('form[action$="/tours"]');
  if (newTour) suggestId(newTour);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
