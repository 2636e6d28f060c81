/**
 * Interface strings (Mongolian first, English second) and the choice of a
 * tour text in the wanted language.
 * @module i18n
 */

/** Every interface string, by language then key. `{name}` marks a parameter. */
export const STRINGS = {
  mn: {
    goTo: "Очих: {title}",
    viewerLabel: "Панорам: {scene}",
    viewerHelp:
      "Эргэн тойрноо харахын тулд чирнэ үү. Сум товчоор эргүүлж, нэмэх (+), хасах (−) товчоор томруулж жижигрүүлнэ.",
    loading: "Ачаалж байна…",
    panoramaError: "«{scene}» үзэгдлийн зургийг ачаалж чадсангүй.",
    webglError: "Энэ төхөөрөмж 360° зургийг харуулж чадахгүй байна (WebGL байхгүй).",
    configError: "Аяллыг эхлүүлж чадсангүй: өгөгдөл нь алга эсвэл гэмтсэн байна.",
    close: "Хаах",
    fullscreen: "Бүтэн дэлгэц",
    exitFullscreen: "Бүтэн дэлгэцээс гарах",
    language: "Хэл",
    finish: "Дуусгах",
    finished: "Дууслаа. Та энэ цонхыг хааж болно.",
    noLms: "Үр дүн бүртгэгдэхгүй байна: LMS олдсонгүй.",
    lmsFailed: "Үр дүн бүртгэгдэхгүй байна: LMS хариу өгсөнгүй.",
    lmsError: "Таны явцыг LMS хадгалж чадсангүй. Энэ төхөөрөмж дээр хадгалагдсан бөгөөд дахин илгээгдэнэ.",
    mediaError: "Файлыг ачаалж чадсангүй.",
    sceneList: "Энэ үзэгдэлд байгаа зүйлс",
    sceneListEmpty: "Энэ үзэгдэлд нээх зүйл алга.",
    gyro: "Утсаа хөдөлгөж эргэн тойрноо харах",
    gyroDenied: "Утасны хөдөлгөөн мэдрэгчийг ашиглахыг зөвшөөрсөнгүй. Эргэн тойрноо харахын тулд чирнэ үү.",
    enterVr: "VR горимд орох",
    leaveVr: "VR горимоос гарах",
    vrFailed: "VR горимд орж чадсангүй.",
    cardboard: "Картон VR шилээр үзэх",
    leaveCardboard: "Картон шилний горимоос гарах",
    cardboardTurn: "Утсаа хэвтээ эргүүлээд картон шилэндээ хийнэ үү.",
  },
  en: {
    goTo: "Go to: {title}",
    viewerLabel: "Panorama: {scene}",
    viewerHelp: "Drag to look around. Arrow keys turn the view, plus (+) and minus (−) zoom.",
    loading: "Loading…",
    panoramaError: "The picture of the scene “{scene}” could not be loaded.",
    webglError: "This device cannot show the 360° picture (WebGL is not available).",
    configError: "The tour could not be started: its data is missing or damaged.",
    close: "Close",
    fullscreen: "Full screen",
    exitFullscreen: "Exit full screen",
    language: "Language",
    finish: "Finish",
    finished: "Finished. You can close this window.",
    noLms: "Results are not being recorded: no LMS found.",
    lmsFailed: "Results are not being recorded: the LMS did not respond.",
    lmsError: "The LMS did not save your progress. It is kept on this device and will be sent again.",
    mediaError: "The file could not be loaded.",
    sceneList: "Things in this scene",
    sceneListEmpty: "There is nothing to open in this scene.",
    gyro: "Look around by moving the phone",
    gyroDenied: "The phone's motion sensor was not allowed. Drag to look around instead.",
    enterVr: "Enter VR",
    leaveVr: "Leave VR",
    vrFailed: "VR could not be started.",
    cardboard: "View in a cardboard headset",
    leaveCardboard: "Leave the cardboard view",
    cardboardTurn: "Turn the phone sideways and put it in the cardboard headset.",
  },
};

/** Each language's name in that language, for the language switch. */
export const LANGUAGE_NAMES = {
  mn: "Монгол",
  en: "English",
  ru: "Русский",
  kk: "Қазақша",
  zh: "中文",
  ko: "한국어",
  ja: "日本語",
  de: "Deutsch",
  fr: "Français",
};

/** The interface language used when a tour language has no interface strings. */
export const FALLBACK_UI_LANGUAGE = "en";

/**
 * An interface string in a language, with parameters filled in.
 * @param {string} lang Language code; falls back to English, then Mongolian.
 * @param {string} key A key of {@link STRINGS}.
 * @param {Object<string, string|number>} [params]
 * @returns {string}
 */
export function ui(lang, key, params) {
  const table = STRINGS[lang] || STRINGS[FALLBACK_UI_LANGUAGE];
  let text = table[key];
  if (text === undefined) text = STRINGS[FALLBACK_UI_LANGUAGE][key] ?? STRINGS.mn[key] ?? key;
  if (params) text = text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
  return text;
}

/**
 * The language the interface strings are really shown in for a language code.
 * @param {string} lang
 * @returns {string}
 */
export function uiLanguage(lang) {
  return STRINGS[lang] ? lang : FALLBACK_UI_LANGUAGE;
}

/**
 * The name of a language, written in that language.
 * @param {string} code
 * @returns {string}
 */
export function languageName(code) {
  return LANGUAGE_NAMES[code] || code.toUpperCase();
}

/**
 * Choose a text of a per-language map: the wanted language, else the tour's
 * languages in order (the first is the default), else any language present.
 * @param {Object<string, string>|undefined|null} map A tour text, e.g. `{"mn": "…", "en": "…"}`.
 * @param {string} lang The wanted language.
 * @param {string[]} [languages] The tour's languages, default first.
 * @returns {{text: string, lang: string}} The text ("" when there is none) and its language.
 */
export function pick(map, lang, languages) {
  if (!map || typeof map !== "object") return { text: "", lang };
  const order = [lang].concat(languages || [], Object.keys(map));
  for (const code of order) {
    const text = map[code];
    if (typeof text === "string" && text.trim() !== "") return { text, lang: code };
  }
  return { text: "", lang };
}
