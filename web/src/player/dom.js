/**
 * Small DOM helpers. Every text that comes from a tour is put in the page with
 * `textContent` only, never as HTML.
 * @module dom
 */

/**
 * Create an element.
 * @param {string} tag Tag name.
 * @param {Object<string, string|boolean|number>} [attrs] Attributes; `class` sets the class
 *   list, `text` sets textContent, `false`/`null`/`undefined` values are skipped.
 * @param {Array<Node|string|null|undefined>} [children] Child nodes or plain strings.
 * @returns {HTMLElement}
 */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const name of Object.keys(attrs)) {
      const value = attrs[name];
      if (value === false || value === null || value === undefined) continue;
      if (name === "text") node.textContent = String(value);
      else if (name === "class") node.className = String(value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  if (children) append(node, children);
  return node;
}

/**
 * Append children (nodes or strings, skipping empty ones) to a node.
 * @param {Node} parent
 * @param {Array<Node|string|null|undefined>} children
 * @returns {Node} parent
 */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return parent;
}

/**
 * Put a localised text into an element: sets textContent and, when the text is
 * not in the page's language (a fallback was used), the element's `lang`.
 * @param {HTMLElement} node
 * @param {{text: string, lang: string}} local Result of {@link module:i18n.pick}.
 * @param {string} pageLang The current interface language.
 */
export function setLocal(node, local, pageLang) {
  node.textContent = local.text;
  if (local.lang && local.lang !== pageLang) node.setAttribute("lang", local.lang);
  else node.removeAttribute("lang");
}

let idCounter = 0;

/**
 * A new id unique in this page.
 * @param {string} prefix
 * @returns {string}
 */
export function uniqueId(prefix) {
  idCounter += 1;
  return `tb-${prefix}-${idCounter}`;
}
