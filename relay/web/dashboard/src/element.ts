/**
 * The page's only DOM helper: build an element from a tag, its attributes and its children, in one expression.
 * Plain DOM, no virtual tree — views replace the text of the few nodes that change.
 */

/** Attribute values; `on*` keys take listeners, `false`/`undefined` leave the attribute out. */
export type ElementAttributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** A child: a node, or text (numbers are written as text); `null`/`undefined`/`false` are skipped. */
export type ElementChild = Node | string | number | null | undefined | false;

/**
 * Creates an element.
 * @example
 * h('button', { class: 'primary', onclick: () => signIn() }, 'Sign in')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: ElementAttributes = {},
  ...children: ElementChild[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  appendChildren(node, children);
  return node;
}

/** Appends children to a node, skipping empty ones. */
export function appendChildren(node: Node, children: ElementChild[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `node` with `children`. */
export function replaceChildren(node: Element, ...children: ElementChild[]): void {
  node.textContent = '';
  appendChildren(node, children);
}
