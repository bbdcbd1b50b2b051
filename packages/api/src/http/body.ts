/** The body was larger than the handler accepts; nothing past the limit was read. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
  }
}

/**
 * Reads a request body of at most `limit` bytes, counting what arrives rather than trusting Content-Length
 * (which is checked first, so a declared oversize body is refused before a byte of it is read).
 */
export async function readBodyWithin(req: { headers: Headers; body: ReadableStream<Uint8Array> | null }, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await req.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(limit);
  }
  if (!req.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The client went away while its request was being read: nothing to answer, nothing wrong with the server. */
export function isRequestAborted(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ECONNRESET" || code === "ECONNABORTED" || (error as Error | null)?.message === "aborted";
}
