/**
 * The narration panel: for the selected scene or hotspot, per language (Mongolian first) the
 * narration text, its track (a person's recording, a robot voice, or none; out of date when the
 * text changed since it was made), and the ways to make one: generate speech (a job on the
 * server), record with the microphone, upload a file; play it back with its captions; remove it.
 *
 * Every edit goes through `state.change`, so undo, redo and autosave work as for any edit: the
 * server makes the files (POST /api/tours/<id>/narration/speech|recording) and answers a track
 * with its media entries, which are put into the document here.
 * @module editor/narration-panel
 */
import "./narration-panel.css";
import { button, clear, el, field, localText, textLanguages, uniqueId } from "./dom.js";
import { translator } from "./narration-strings.js";
import { isOutdated } from "./narration-text.js";
import { Take, canRecord } from "./recorder.js";

const ENGINES = ["auto", "gtts", "espeak"];
const UPLOAD_ACCEPT = "audio/*,.mp3,.wav,.ogg,.oga,.opus,.flac,.m4a,.webm";

/** Where a narration lives in a document: {holder, where, title} or null. */
export function narrationPlace(doc, selection) {
  const scene = doc && selection && doc.scenes[selection.scene];
  if (!scene) return null;
  if (!selection.hotspot) return { holder: scene, where: selection.scene, kind: "scene", spot: null };
  const spot = (scene.hotspots || []).find((h) => h.id === selection.hotspot);
  if (!spot) return { holder: scene, where: selection.scene, kind: "scene", spot: null };
  return { holder: spot, where: `${selection.scene}/${spot.id}`, kind: "hotspot", spot };
}

/** Remove media entries nothing in the document refers to any more (of the keys given). */
export function forgetUnused(doc, keys) {
  const rest = JSON.stringify(Object.assign({}, doc, { media: {} }));
  for (const key of keys) {
    if (key && doc.media && doc.media[key] && !rest.includes(JSON.stringify(key))) delete doc.media[key];
  }
}

/** The URL of a stored media file (the app's /media/<sha256><suffix> route). */
export function mediaUrl(doc, key) {
  const info = key && doc.media && doc.media[key];
  if (!info) return null;
  const dot = key.lastIndexOf(".");
  return `/media/${info.sha256}${dot > key.lastIndexOf("/") ? key.slice(dot).toLowerCase() : ""}`;
}

function seconds(value) {
  return (Math.round((value || 0) * 10) / 10).toFixed(1);
}

/**
 * Mount the panel.
 * @param {import("./state.js").EditorState} state
 * @param {HTMLElement} element
 * @param {{api: Object, language: string}} context
 */
export function mount(state, element, context) {
  const t = translator(context.language);
  const api = context.api;
  const tourPath = `/tours/${encodeURIComponent(state.tourId)}`;
  const headingId = uniqueId("narration");
  const heading = el("h2", { id: headingId, class: "tbe-narration__heading", text: t("narration") });
  const body = el("div", { class: "tbe-narration__body" });
  const status = el("p", { class: "tbe-narration__status", role: "status", "aria-live": "polite" });
  element.classList.add("tbe-narration");
  element.setAttribute("aria-labelledby", headingId);
  element.append(heading, body, status);

  let shownWhere = null;
  let sections = [];
  let take = null;

  function say(text) {
    status.textContent = text;
  }

  /** Change this place's narration in the document (a draft), then drop what became unused. */
  function edit(label, where, mutate) {
    state.change(label, (draft) => {
      const place = narrationPlace(draft, selectionOf(where));
      if (!place || place.where !== where) return;
      const narration = place.holder.narration || { text: {}, tracks: {} };
      narration.text = narration.text || {};
      narration.tracks = narration.tracks || {};
      const before = JSON.stringify(narration.tracks);
      mutate(narration, draft);
      const hasText = Object.keys(narration.text).some((k) => narration.text[k]);
      if (!hasText && !Object.keys(narration.tracks).length) delete place.holder.narration;
      else place.holder.narration = narration;
      if (before !== JSON.stringify(narration.tracks)) {
        const old = Object.values(JSON.parse(before)).flatMap((tr) => [tr.audio, tr.captions]);
        forgetUnused(draft, old);
      }
    });
  }

  function selectionOf(where) {
    const [scene, hotspot] = where.split("/");
    return hotspot ? { scene, hotspot } : { scene };
  }

  function putTrack(where, lang, result, label) {
    edit(label, where, (narration, draft) => {
      draft.media = Object.assign({}, draft.media || {}, result.media);
      narration.tracks[lang] = result.track;
    });
  }

  function dropTake() {
    if (take) take.close();
    take = null;
  }

  function render() {
    dropTake();
    clear(body);
    sections = [];
    const doc = state.document;
    const place = narrationPlace(doc, state.selection);
    shownWhere = place ? place.where : null;
    if (!place) {
      heading.textContent = t("narration");
      body.appendChild(el("p", { text: t("nothingSelected") }));
      return;
    }
    const title = localText(place.holder.title, context.language) || place.where;
    heading.textContent = t(place.kind === "scene" ? "sceneNarration" : "hotspotNarration", { title });
    if (place.spot && place.spot.kind === "narration") {
      body.append(el("p", { text: t("playsSceneNarration") }),
        button(t("editSceneNarration"), () => state.select({ scene: state.selection.scene })));
      return;
    }
    for (const lang of textLanguages(doc)) {
      const section = languageSection(place.where, lang);
      sections.push(section);
      body.appendChild(section.node);
    }
  }

  /** Update what an edit changed without rebuilding (keeps focus and typing in the text boxes). */
  function refresh() {
    const place = narrationPlace(state.document, state.selection);
    if (!place || place.where !== shownWhere) {
      render();
      return;
    }
    for (const section of sections) section.sync(place.holder.narration);
  }

  function languageSection(where, lang) {
    const languageName = t(`language_${lang}`) === `language_${lang}` ? lang : t(`language_${lang}`);
    const textarea = el("textarea", { rows: 4, lang, class: "tbe-narration__text", "data-role": "narration-text", "data-lang": lang });
    const trackInfo = el("p", { class: "tbe-narration__track", "data-role": "track-info", "data-lang": lang });
    const player = el("div", { class: "tbe-narration__player" });
    const engine = el("select", { "data-role": "engine" },
      ENGINES.map((name) => el("option", { value: name, text: t(`engine_${name}`) })));
    if (lang === "mn") engine.value = "espeak";
    const generate = button(t("generate"), () => generateSpeech(where, lang, textarea.value, engine.value), "", { "data-role": "generate" });
    const recordBox = el("div", { class: "tbe-narration__record" });
    const fileInput = el("input", { type: "file", accept: UPLOAD_ACCEPT, "data-role": "recording-file" });
    fileInput.addEventListener("change", () => {
      const file = fileInput.files && fileInput.files[0];
      fileInput.value = "";
      if (file) sendRecording(where, lang, file, file.name);
    });
    const remove = button(t("remove"), () => {
      edit("remove narration track", where, (narration) => {
        delete narration.tracks[lang];
      });
      say(t("removed"));
    }, "tbe-button--danger", { "data-role": "remove-track" });
    textarea.addEventListener("input", () => {
      edit("narration text", where, (narration) => {
        if (textarea.value.trim()) narration.text[lang] = textarea.value;
        else delete narration.text[lang];
      });
    });
    const node = el("section", { class: "tbe-narration__language", "data-lang": lang, "aria-label": languageName }, [
      el("h3", { text: languageName }),
      field(t("text", { language: languageName }), textarea, { hint: t("textHint") }),
      trackInfo,
      player,
      el("div", { class: "tbe-narration__actions" }, [
        el("div", { class: "tbe-narration__generate" }, [field(t("engine"), engine), generate]),
        recordBox,
        field(t("upload"), fileInput),
        remove,
      ]),
    ]);
    drawRecordIdle(recordBox, where, lang);
    let playing = null;

    function sync(narration) {
      const text = (narration && narration.text && narration.text[lang]) || "";
      if (document.activeElement !== textarea && textarea.value !== text) textarea.value = text;
      const track = narration && narration.tracks && narration.tracks[lang];
      const outdated = isOutdated(track, textarea.value);
      trackInfo.dataset.state = !track ? "none" : outdated ? "outdated" : "current";
      trackInfo.dataset.robot = track && track.robot ? "true" : "false";
      trackInfo.dataset.engine = track ? track.engine : "";
      trackInfo.classList.toggle("tbe-narration__track--outdated", outdated);
      trackInfo.classList.toggle("tbe-narration__track--robot", !!(track && track.robot));
      let info = t("noTrack");
      if (track && track.engine === "recording") info = t("recording", { seconds: seconds(track.duration) });
      else if (track && track.robot) info = t("robot", { engine: track.engine, seconds: seconds(track.duration) });
      else if (track) info = t("captionsOnly");
      if (outdated) info = `${info} ${t("outdated", { fix: t(track.engine === "recording" ? "outdatedRecord" : "outdatedGenerate") })}`;
      trackInfo.textContent = info;
      remove.hidden = !track;
      const url = track && mediaUrl(state.document, track.audio);
      const key = track ? `${url}|${track.captions}|${JSON.stringify(track.cues || [])}` : "";
      if (playing !== key) {
        playing = key;
        clear(player);
        if (track && url) player.appendChild(playback(track, url, lang, languageName));
      }
    }

    sync(narrationPlace(state.document, selectionOf(where)).holder.narration);
    return { node, sync, lang };
  }

  /** An <audio> with its captions: a <track> for the browser, and the cues drawn in sync here. */
  function playback(track, url, lang, languageName) {
    const audio = el("audio", { controls: true, preload: "metadata", src: url, "data-role": "narration-audio",
      "aria-label": `${t("play")}: ${languageName}` });
    const captionsUrl = mediaUrl(state.document, track.captions);
    if (captionsUrl) {
      audio.appendChild(el("track", { kind: "captions", src: captionsUrl, srclang: lang, label: languageName, default: true }));
    }
    const cue = el("p", { class: "tbe-narration__cue", lang, "data-role": "caption", "aria-label": t("captions") });
    const cues = track.cues || [];
    const show = () => {
      const now = audio.currentTime;
      const current = cues.find((c) => now >= c.start && now < c.end);
      const text = current ? current.text : "";
      if (cue.textContent !== text) cue.textContent = text;
    };
    for (const name of ["timeupdate", "seeked", "play", "ended"]) audio.addEventListener(name, show);
    return el("div", { class: "tbe-narration__playback" }, [audio, cue]);
  }

  async function generateSpeech(where, lang, text, engine) {
    if (!text.trim()) {
      say(t("writeFirst"));
      return;
    }
    say(t("generating", { stage: "" }));
    try {
      const { body: answer } = await api.post(`${tourPath}/narration/speech`, { text, language: lang, engine, where });
      const done = await api.waitForJob(answer.job, (job) => say(t("generating", { stage: job.stage || "" })));
      putTrack(where, lang, done.result, "generate speech");
      say(t("generated"));
    } catch (error) {
      say(t("failed", { message: error.message }));
    }
  }

  async function sendRecording(where, lang, blob, name) {
    const place = narrationPlace(state.document, selectionOf(where));
    const text = (place && place.holder.narration && place.holder.narration.text && place.holder.narration.text[lang]) || "";
    const form = new FormData();
    form.append("file", blob, name);
    form.append("language", lang);
    form.append("text", text);
    form.append("where", where);
    say(t("uploading", { percent: 0 }));
    try {
      const { body: result } = await api.upload(`${tourPath}/narration/recording`, form, (fraction) => {
        say(fraction < 1 ? t("uploading", { percent: Math.round(fraction * 100) }) : t("processing"));
      });
      putTrack(where, lang, result, "record narration");
      say(t("uploaded"));
    } catch (error) {
      const problems = (error.problems || []).map((p) => p.message).filter((m) => m !== error.message);
      say(t("failed", { message: [error.message].concat(problems).join(" ") }));
    }
  }

  function drawRecordIdle(box, where, lang) {
    clear(box);
    if (!canRecord()) {
      box.appendChild(el("p", { class: "tbe-hint", text: t("cannotRecord") }));
      return;
    }
    box.appendChild(button(t("record"), () => startRecording(box, where, lang), "", { "data-role": "record" }));
  }

  async function startRecording(box, where, lang) {
    dropTake();
    const elapsed = el("span", { class: "tbe-narration__elapsed", "data-role": "elapsed", text: t("recordingNow", { seconds: "0.0" }) });
    const meter = el("meter", { min: 0, max: 1, value: 0, class: "tbe-narration__meter", "aria-label": t("level"), "data-role": "level" });
    const current = new Take({
      onLevel: (level) => { meter.value = level; },
      onTime: (s) => { elapsed.textContent = t("recordingNow", { seconds: seconds(s) }); },
    });
    take = current;
    const stop = button(t("stop"), async () => {
      stop.disabled = true;
      try {
        await current.stop();
      } catch (error) {
        say(t("failed", { message: error.message }));
        drawRecordIdle(box, where, lang);
        return;
      }
      if (take === current) drawTake(box, where, lang, current);
    }, "tbe-button--primary", { "data-role": "stop" });
    clear(box).append(stop, elapsed, meter);
    stop.focus();
    try {
      await current.start();
    } catch (error) {
      if (take === current) dropTake();
      say(t("noMicrophone"));
      drawRecordIdle(box, where, lang);
    }
  }

  function drawTake(box, where, lang, current) {
    const listen = button(t("listenTake"), async () => {
      listen.textContent = t("stopListening");
      await current.listen();
      listen.textContent = t("listenTake");
    }, "", { "data-role": "listen-take" });
    const use = button(t("useTake"), async () => {
      use.disabled = true;
      const wav = await current.wav();
      dropTake();
      drawRecordIdle(box, where, lang);
      await sendRecording(where, lang, wav, `recording-${lang}.wav`);
    }, "tbe-button--primary", { "data-role": "use-take" });
    const again = button(t("recordAgain"), () => startRecording(box, where, lang), "", { "data-role": "record-again" });
    const discard = button(t("discard"), () => {
      dropTake();
      drawRecordIdle(box, where, lang);
    }, "", { "data-role": "discard-take" });
    clear(box).append(el("p", { class: "tbe-narration__take", text: t("takeReady", { seconds: seconds(current.duration) }) }),
      listen, use, again, discard);
    use.focus();
  }

  state.on("select", render);
  state.on("change", (event) => (event && event.source === "edit" ? refresh() : render()));
  if (state.document) render();
  return { render };
}
