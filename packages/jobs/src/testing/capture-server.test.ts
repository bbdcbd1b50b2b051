import type { SendInput } from "@rekey/email";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startCaptureServer, type CaptureServer } from "./capture-server";
import { resendTo } from "./index";

const input: SendInput = { to: "zoe@example.com", subject: "Hi", html: "<p>hi</p>", text: "hi", idempotencyKey: "row-1" };
const servers: CaptureServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function server(): Promise<CaptureServer> {
  const started = await startCaptureServer();
  servers.push(started);
  return started;
}

describe("capture server (Resend stand-in)", () => {
  it("answers the scripted sequence, then accepts; failures are not remembered under their key", async () => {
    const s = await server();
    s.script({ status: 500 }, { status: 502 }, { status: 409 }, { status: 429, retryAfter: 7 }, { status: 422, message: "Invalid `to` field." });
    const transport = resendTo(s, 2_000);
    expect(await transport.send(input)).toMatchObject({ ok: false, retryable: true, status: 500 });
    expect(await transport.send(input)).toMatchObject({ ok: false, retryable: true, status: 502 });
    expect(await transport.send(input)).toMatchObject({ ok: false, retryable: true, status: 409, inFlight: true });
    expect(await transport.send(input)).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterSeconds: 7 });
    expect(await transport.send(input)).toMatchObject({ ok: false, retryable: false, status: 422 });
    const accepted = await transport.send(input);
    expect(accepted).toMatchObject({ ok: true });
    expect(s.requests.map((r) => r.answer)).toEqual([500, 502, 409, 429, 422, 200]);
    expect(s.emails).toEqual([
      expect.objectContaining({ id: accepted.ok && accepted.id, to: input.to, idempotencyKey: "row-1", html: input.html, text: input.text }),
    ]);
  });

  it("replays the first response for a repeated key (no new email) and refuses the key with another payload", async () => {
    const s = await server();
    const transport = resendTo(s, 2_000);
    const first = await transport.send(input);
    expect(await transport.send(input)).toEqual(first);
    // 409 invalid_idempotent_request: the transport reads it as "already accepted" (no second email).
    expect(await transport.send({ ...input, text: "changed" })).toEqual({ ok: true, id: null, alreadyAccepted: true });
    expect(s.requests.map((r) => r.answer)).toEqual([200, 200, 409]);
    expect(await transport.send({ ...input, idempotencyKey: "row-2" })).toMatchObject({ ok: true });
    expect(s.requests).toHaveLength(4);
    expect(s.emails.map((e) => e.idempotencyKey)).toEqual(["row-1", "row-2"]);
  });

  it("hangs when told to, and close() ends the hanging connection", async () => {
    const s = await startCaptureServer();
    s.script("hang");
    const pending = fetch(`${s.url}/emails`, { method: "POST", body: JSON.stringify({ to: "x@example.com" }), headers: { "idempotency-key": "h" } });
    await vi.waitFor(() => expect(s.requests).toHaveLength(1), { timeout: 2_000, interval: 5 });
    await s.close();
    await expect(pending).rejects.toThrow();
    expect(s.requests[0]).toMatchObject({ answer: "hang", idempotencyKey: "h" });
  });
});
