import { randomBytes } from "node:crypto";
import { buildEmail, renderEmail, renderTree, validateEmail, type EmailMessage, type RenderedEmail } from "./render";

/**
 * The props that change from one email to the next; everything else (app name, locale, support address, the
 * link's lifetime, and whether an optional value is empty) shapes the template and is part of its cache key.
 * The lifetime is not a slot: it sits in the preview text, which react-email pads to a fixed length.
 */
const SLOTS: { [K in EmailMessage["kind"]]: ReadonlyArray<keyof Extract<EmailMessage, { kind: K }>["props"]> } = {
  password_reset: ["username", "link", "code"],
  password_changed: ["username", "changedAt", "ip", "userAgent", "resetUrl", "secureUrl"],
  no_account: [],
};

/** React's escaping of text and attribute values (react-dom's escapeTextForBrowser). */
const HTML_ESCAPES: Record<string, string> = { '"': "&quot;", "&": "&amp;", "'": "&#x27;", "<": "&lt;", ">": "&gt;" };
const escapeHtml = (value: string) => value.replace(/["&'<>]/g, (c) => HTML_ESCAPES[c]!);

/**
 * Whether the plain-text converter keeps a value as it is: html-to-text collapses whitespace runs and trims
 * blocks, so a value with odd whitespace is rendered the slow way rather than differently.
 */
const keptAsIs = (value: string) => !/^\s|\s$|\s\s|[\t\n\r\f\v\u200b\u00a0\u2028\u2029]/.test(value);

interface Compiled {
  subject: string;
  html: string;
  text: string;
  /** Placeholder → slot name. */
  slots: Map<string, string>;
  pattern: RegExp;
}

export interface EmailRenderer {
  /** Renders like {@link renderEmail}, byte for byte, in microseconds once a template's shape was seen. */
  render(message: EmailMessage): Promise<RenderedEmail>;
  /** How many messages were rendered from a compiled template, and how many the slow way. */
  stats(): { compiled: number; full: number; shapes: number };
}

/**
 * A renderer that renders each template shape once with placeholders for its per-email values, then fills
 * them in (escaped as React escapes them). A full React render of these templates costs ~20 ms of CPU on the
 * event loop that also answers requests; filling a compiled one costs microseconds. The first email of each
 * shape is checked against a full render: a template the placeholders cannot stand in for (a value used in
 * a condition, say) is always rendered in full, so the output never differs from {@link renderEmail}.
 */
export function createEmailRenderer(options: { maxShapes?: number } = {}): EmailRenderer {
  const maxShapes = options.maxShapes ?? 64;
  const cache = new Map<string, Promise<Compiled | null>>();
  const counts = { compiled: 0, full: 0 };

  const slotValues = (message: EmailMessage): Record<string, string> => {
    const props = message.props as unknown as Record<string, unknown>;
    return Object.fromEntries(SLOTS[message.kind].map((name) => [name, String(props[name as string] ?? "")]));
  };

  async function compile(message: EmailMessage, values: Record<string, string>): Promise<Compiled | null> {
    const nonce = randomBytes(6).toString("hex");
    const slots = new Map<string, string>();
    const props: Record<string, unknown> = { ...message.props };
    for (const [name, value] of Object.entries(values)) {
      if (value === "") continue; // empty values pick a fallback branch: part of the shape, not a slot
      const placeholder = `rekeyslot${slots.size}x${nonce}`;
      slots.set(placeholder, name);
      props[name] = placeholder;
    }
    const { subject, element } = buildEmail({ kind: message.kind, props } as unknown as EmailMessage);
    const rendered = await renderTree(subject, element);
    const compiled: Compiled = { ...rendered, slots, pattern: new RegExp([...slots.keys()].join("|") || "(?!)", "g") };
    // The proof: this message filled in must equal its full render, or the shape is never compiled.
    const reference = await renderEmail(message);
    const filled = fill(compiled, values);
    const same = filled.html === reference.html && filled.text === reference.text && filled.subject === reference.subject;
    return same ? compiled : null;
  }

  function fill(compiled: Compiled, values: Record<string, string>): RenderedEmail {
    // One pass each: a value that happens to contain a placeholder is never scanned again.
    const value = (placeholder: string) => values[compiled.slots.get(placeholder)!]!;
    return {
      subject: compiled.subject,
      html: compiled.html.replace(compiled.pattern, (p) => escapeHtml(value(p))),
      text: compiled.text.replace(compiled.pattern, (p) => value(p)),
    };
  }

  return {
    async render(message) {
      validateEmail(message);
      const values = slotValues(message);
      if (!Object.values(values).every(keptAsIs)) {
        counts.full++;
        return renderEmail(message);
      }
      const shape: Record<string, unknown> = { kind: message.kind, ...message.props };
      for (const [name, value] of Object.entries(values)) shape[name] = value === "" ? "" : true;
      const key = JSON.stringify(shape, Object.keys(shape).sort());
      let compiled = cache.get(key);
      if (!compiled) {
        if (cache.size >= maxShapes) cache.delete(cache.keys().next().value!);
        compiled = compile(message, values).catch(() => null);
        cache.set(key, compiled);
      }
      const template = await compiled;
      if (!template) {
        counts.full++;
        return renderEmail(message);
      }
      counts.compiled++;
      return fill(template, values);
    },
    stats: () => ({ ...counts, shapes: cache.size }),
  };
}
