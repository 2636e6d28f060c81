/**
 * The summary and certificate: what the learner did (completion, the final quiz, scenes), with
 * their name and the day the tour was completed, in a dialog they can show or print. The name
 * comes from the LMS (SCORM's "Last, First" turned round) or is typed and kept on the device.
 * Printing prints only the certificate (quiz.css, `tb-player--printing`).
 * @module certificate
 */
import { courseLanguage, courseText } from "./course-strings.js";
import { el, setLocal, uniqueId } from "./dom.js";
import { icon } from "./icons.js";
import { pick } from "./i18n.js";

const NAME_KEY = "tourbuilder:learner-name";

function storedName() {
  try {
    return window.localStorage.getItem(NAME_KEY) || "";
  } catch (err) {
    return "";
  }
}

function keepName(name) {
  try {
    window.localStorage.setItem(NAME_KEY, name);
  } catch (err) {
    // Not kept: the name is typed again next time.
  }
}

/** "Doe, Jane" (SCORM's order) → "Jane Doe". */
export function displayName(name) {
  const parts = String(name || "").split(",").map((p) => p.trim()).filter(Boolean);
  return parts.length === 2 ? `${parts[1]} ${parts[0]}` : String(name || "").trim();
}

/** A day number (days since 1970-01-01) as a date in a language. */
export function formatDay(day, lang) {
  const date = new Date(day * 86400000);
  try {
    return new Intl.DateTimeFormat(lang === "mn" ? "mn-MN" : "en-GB", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(date);
  } catch (err) {
    return date.toISOString().slice(0, 10);
  }
}

/**
 * Open the certificate.
 * @param {import("./course.js").Course} course
 * @param {HTMLElement|null} [returnFocus]
 */
export function openCertificate(course, returnFocus) {
  const player = course.player;
  const tour = course.tour;
  const lang = player.language;
  const uiLang = courseLanguage(lang);
  const t = (key, params) => courseText(lang, key, params);
  const progress = course.progress();
  const title = pick(tour.title, lang, player.languages);

  const inputId = uniqueId("name");
  const input = el("input", { id: inputId, type: "text", autocomplete: "name", "data-certificate-name": "" });
  input.value = storedName() || displayName(course.learner && course.learner.name);
  const nameField = el("div", { class: "tb-certificate__name" }, [el("label", { for: inputId, text: t("name") }), input]);

  const tourLine = el("p", { class: "tb-certificate__tour" });
  setLocal(tourLine, title, uiLang);
  const text = el("p", { class: "tb-certificate__text", "data-certificate-text": "" });
  const lines = el("ul", { class: "tb-certificate__lines" });
  for (const c of progress.criteria) {
    if (c.kind === "quiz" && c.finished) {
      lines.appendChild(el("li", { text: t("scoreLine", { percent: c.scorePercent, verdict: t(c.passed ? "passed" : "failed") }) }));
    }
  }
  const scenes = Object.keys(tour.scenes || {});
  lines.appendChild(el("li", { text: t("scenesLine", { n: scenes.filter((id) => course.state.visited.has(id)).length, total: scenes.length }) }));
  const render = () => {
    const name = input.value.trim();
    const percent = Math.round(progress.measure * 100);
    if (progress.completed) {
      const date = formatDay(Number.isFinite(course.state.completedOn) ? course.state.completedOn : Math.floor(Date.now() / 86400000), uiLang);
      text.textContent = name ? t("certificateText", { name, tour: title.text, date }) : t("certificateNoName", { tour: title.text, date });
    } else {
      text.textContent = t("notYet", { tour: title.text, percent });
    }
  };
  input.addEventListener("input", () => {
    keepName(input.value.trim());
    render();
  });
  render();
  const certificate = el("div", {
    class: "tb-certificate",
    "data-certificate": "",
    "data-completed": String(progress.completed),
    "data-passed": String(progress.passed),
  }, [tourLine, text, lines]);
  const print = el("button", { type: "button", class: "tb-button tb-button--primary", "data-action": "print" },
    [icon("finish"), el("span", { text: t("print") })]);
  print.addEventListener("click", () => {
    player.root.classList.add("tb-player--printing");
    const done = () => {
      player.root.classList.remove("tb-player--printing");
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
  });
  const box = el("div", { class: "tb-certificate-box" }, [nameField, certificate, el("div", { class: "tb-quiz__actions" }, [print])]);
  if (uiLang !== lang) box.setAttribute("lang", uiLang);
  player.dialogs.open({ title: { text: t("certificate"), lang: uiLang }, content: [box], kind: "certificate", returnFocus });
}
