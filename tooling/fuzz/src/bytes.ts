/**
 * Requests are built as "byte strings": JS strings whose every code unit is one byte (0x00–0xFF), sent
 * with `Buffer.from(s, "latin1")`. That lets a generator put raw invalid UTF-8, NUL or 0xFF anywhere.
 */

/** The UTF-8 bytes of a (possibly non-ASCII) text, as a byte string. Lone surrogates become EF BF BD. */
export function utf8(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

/** Bytes given as numbers, as a byte string. */
export function bytes(...values: number[]): string {
  return String.fromCharCode(...values.map((v) => v & 0xff));
}

/** A compact, printable, single-line rendering of a byte string: \xNN for anything outside 0x20–0x7E. */
export function show(byteString: string, max = 160): string {
  let out = "";
  const limit = Math.min(byteString.length, max);
  for (let i = 0; i < limit; i++) {
    const c = byteString.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c >= 0x20 && c <= 0x7e) out += byteString[i];
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else out += `\\x${c.toString(16).padStart(2, "0")}`;
  }
  if (byteString.length > max) out += `…(+${byteString.length - max} bytes)`;
  return out;
}

/** Run-length aware rendering: long runs of one character are shown as `x×N` so huge bodies stay short. */
export function showCompact(byteString: string, max = 160): string {
  const runs = byteString.replace(/(.)\1{15,}/gs, (run, ch: string) => `\u0000RUN${ch.charCodeAt(0)}:${run.length}\u0000`);
  const shown = show(runs, max * 2);
  const text = shown.replace(/\\x00RUN(\d+):(\d+)\\x00/g, (_m, code: string, n: string) => `[${show(String.fromCharCode(Number(code)))}×${n}]`);
  return text.length > max ? `${text.slice(0, max)}…(${byteString.length} bytes)` : text;
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** A body for humans: UTF-8 text as text (control characters escaped), anything else byte by byte. */
export function showBody(body: Buffer, max = 160): string {
  let text: string;
  try {
    text = utf8Decoder.decode(body.subarray(0, max * 4));
  } catch {
    return showCompact(body.toString("latin1"), max);
  }
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…(${body.length} bytes)` : escaped;
}
