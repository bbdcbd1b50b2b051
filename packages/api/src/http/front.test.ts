import { connect } from "node:net";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFront, type TestServer, type TestRuntime } from "../testing";
import { createUser, RELAXED_LIMITS, runtimeFor } from "../testing/flows";

const targets = await testDatabases();
const APP_ORIGIN = "http://rekey.test";

/** Sends bytes as they are (fetch refuses malformed methods, paths and headers) and returns the raw answer. */
function raw(url: string, request: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error("no answer")));
  });
}

function parseRaw(answer: string) {
  const [head = "", body = ""] = answer.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

describe.each(targets)("the HTTP front on $name", (target) => {
  let t: TestRuntime;
  let server: TestServer;
  let cookie: string;
  const trpc = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/trpc/${path}`, init);

  beforeAll(async () => {
    t = await runtimeFor(target, { RATE_LIMITS: RELAXED_LIMITS, APP_URL: APP_ORIGIN });
    server = await serveFront(t.runtime);
    const user = await createUser(t.runtime);
    const signIn = await trpc("auth.signIn", {
      method: "POST",
      headers: { "content-type": "application/json", origin: APP_ORIGIN },
      body: JSON.stringify({ account: user.username, password: user.password }),
    });
    expect(signIn.status).toBe(200);
    cookie = signIn.headers.getSetCookie()[0]!.split(";")[0]!;
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  const me = () => trpc("auth.me", { headers: { cookie } });

  it("refuses a cross-site sign-out with 403 before doing anything: the session survives", async () => {
    const attempts: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { origin: APP_ORIGIN, "sec-fetch-site": "cross-site" },
    ];
    for (const headers of attempts) {
      const res = await trpc("auth.signOut", { method: "POST", headers: { cookie, "content-type": "application/json", ...headers } });
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
      const body = (await res.json()) as { error: { data: { domainCode: string; code: string } } };
      expect(body.error.data).toMatchObject({ domainCode: "CROSS_SITE", code: "FORBIDDEN" });
    }
    expect((await me()).status).toBe(200);
  });

  it("refuses a cross-site HTML form post (multipart) to a reset request without queueing anything", async () => {
    const form = new FormData();
    form.set("email", "victim@example.com");
    for (const origin of ["https://evil.example", APP_ORIGIN]) {
      const res = await trpc("auth.passwordReset.request", { method: "POST", headers: { cookie, origin }, body: form });
      // Cross-site: 403; even same-origin, a form body is not JSON: 415. Neither reaches the procedure.
      expect(res.status).toBe(origin === APP_ORIGIN ? 415 : 403);
    }
    const rows = await t.runtime.deps.db.query.emailOutbox.findMany();
    expect(rows.filter((row) => row.recipient === "victim@example.com")).toEqual([]);
  });

  it("serves same-origin pages' calls and clients that send no Origin at all", async () => {
    expect((await trpc("auth.me", { headers: { cookie, "sec-fetch-site": "same-origin" } })).status).toBe(200);
    expect((await me()).status).toBe(200);
  });

  it("refuses a tRPC body over 64 KiB with 413, declared or streamed, and takes one of exactly 64 KiB", async () => {
    const sized = (bytes: number) => {
      const head = '{"email":"size@example.com","pad":"';
      return `${head}${"x".repeat(bytes - head.length - 2)}"}`;
    };
    const post = (body: string | ReadableStream<Uint8Array>) =>
      trpc("auth.passwordReset.request", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit);
    expect((await post(sized(64 * 1024))).status).toBe(200);
    expect((await post(sized(64 * 1024 + 1))).status).toBe(413);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 64; i++) controller.enqueue(new TextEncoder().encode("x".repeat(16 * 1024)));
        controller.close();
      },
    });
    const res = await post(streamed);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { data: { domainCode: string } } }).error.data.domainCode).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers at most 10 calls per batch: 11 are refused without running any", async () => {
    const batch = (n: number) => trpc(`${Array.from({ length: n }, () => "auth.me").join(",")}?batch=1`, { headers: { cookie } });
    const ten = await batch(10);
    expect(ten.status).toBe(200);
    expect((await ten.json()) as unknown[]).toHaveLength(10);
    expect((await batch(11)).status).toBe(400);
  });

  it("answers an unknown procedure with 404 NOT_FOUND, saying so rather than 'server error'", async () => {
    const res = await trpc("auth.nothingHere", { headers: { cookie } });
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as { error: { message: string; data: { code: string; domainCode: string } } };
    expect(error.data).toMatchObject({ code: "NOT_FOUND", domainCode: "ROUTE_NOT_FOUND" });
    expect(error.message).toBe("接口不存在");
  });

  it("marks every API answer no-store and every answer nosniff, no-referrer and unframable", async () => {
    for (const path of ["/api/trpc/auth.me", "/api/v1/user/me", "/api/v1/openapi.json", "/api/health"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
    }
  });

  it("gives every page a fresh script nonce in a CSP that forbids framing and inline scripts", async () => {
    const policies = await Promise.all([1, 2].map(async () => (await fetch(`${server.url}/sign-in`)).headers.get("content-security-policy") ?? ""));
    const nonces = policies.map((policy) => /'nonce-([^']+)'/.exec(policy)?.[1]);
    expect(nonces[0]).toBeTruthy();
    expect(nonces[0]).not.toBe(nonces[1]);
    for (const policy of policies) {
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("'strict-dynamic'");
      expect(policy).toContain("object-src 'none'");
      expect(/script-src[^;]*'unsafe-inline'/.test(policy)).toBe(false);
    }
  });

  it("sends HSTS only over https: never for a client-claimed X-Forwarded-Proto without a trusted proxy", async () => {
    const page = await fetch(`${server.url}/sign-in`, { headers: { "x-forwarded-proto": "https" } });
    expect(page.headers.get("strict-transport-security")).toBeNull();
    expect((await fetch(`${server.url}/sign-in`)).headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
  });

  it("answers methods Next does not route, and paths it cannot decode, with the envelope instead of 500", async () => {
    for (const request of [
      "TRACE /api/v1/user/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "PROPFIND /api/v1/user/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "MKCOL /api/v1/user/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "POST /api/v1/user/%E0%A4%A HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
      "GET /api/v1/%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET /api/%76%31/user/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET /api/./v1/user/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]) {
      const answer = parseRaw(await raw(server.url, request));
      expect([404, 405], request).toContain(answer.status);
      expect(JSON.parse(answer.body), request).toMatchObject({ code: answer.status, msg: expect.any(String), data: null });
    }
    const other = parseRaw(await raw(server.url, "GET /api/inngest/% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    expect(other.status).toBe(400);
    const form = new FormData();
    form.set("a", "b");
    const unknown = await fetch(`${server.url}/api/nothing-here`, { method: "POST", body: form });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 404, msg: "接口不存在" });
  });

  it("answers CONNECT, an odd Expect, a broken tRPC escape and a bogus server action instead of closing or 500", async () => {
    const connect = parseRaw(await raw(server.url, "CONNECT /api/v1/user/me HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect(connect.status).toBe(405);
    expect(JSON.parse(connect.body)).toMatchObject({ code: 405 });
    const expectation = parseRaw(
      await raw(server.url, "GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\nExpect: garbage\r\nConnection: close\r\n\r\n"),
    );
    expect(expectation.status).toBe(200);
    const trpcEscape = await fetch(`${server.url}/api/trpc/%Z108`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(trpcEscape.status).toBe(400);
    const action = await fetch(`${server.url}/`, { headers: { "next-action": "abc" } });
    expect(action.status).toBe(405);
    const form = new FormData();
    form.set("a", "b");
    const post = await fetch(`${server.url}/sign-in`, { method: "POST", body: form });
    expect(post.status).toBe(405);
  });

  it("answers //, absolute-form targets and a missing Host as the API, never with a redirect elsewhere", async () => {
    for (const request of [
      "GET //api/v1/user/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "POST ///api/v1/user/logout HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
      "GET http://evil.example/api/v1/user/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET /api/v1/user/me HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /api/v1/user/me HTTP/1.0\r\n\r\n",
    ]) {
      const answer = parseRaw(await raw(server.url, request));
      expect(answer.status, request).toBe(401);
      expect(answer.headers.get("location"), request).toBeUndefined();
      expect(JSON.parse(answer.body), request).toMatchObject({ code: 401 });
    }
    const star = parseRaw(await raw(server.url, "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    expect(star.status).toBe(400);
  });

  it("answers an Upgrade request at once and closes it, instead of holding the socket open", async () => {
    for (const path of ["/api/v1/user/me", "/api/trpc/auth.me", "/sign-in"]) {
      const request = `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`;
      const answer = parseRaw(await raw(server.url, request));
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ code: 501, msg: "参数错误", data: null });
    }
  });

  it("answers a body refused as too large, and lets the client finish sending it before closing", async () => {
    // More than loopback's socket buffers hold: the client is still writing when the answer comes. Closing
    // at once would reset the connection under the client's feet (its write fails, its answer may be lost).
    const body = Buffer.from(`{"a":"${"x".repeat(8 * 1024 * 1024)}"}`);
    for (const path of ["/api/v1/user/logout", "/api/trpc/auth.signOut"]) {
      const { port } = new URL(server.url);
      const outcome = await new Promise<{ answer: string; writeError: Error | null | undefined }>((resolve, reject) => {
        const socket = connect(Number(port), "127.0.0.1");
        const chunks: Buffer[] = [];
        let writeError: Error | null | undefined;
        let written = false;
        let ended = false;
        const done = () => written && ended && resolve({ answer: Buffer.concat(chunks).toString("utf8"), writeError });
        socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
        socket.write(body, (error) => {
          writeError = error;
          written = true;
          done();
        });
        socket.on("data", (chunk) => chunks.push(chunk));
        socket.on("end", () => {
          ended = true;
          done();
        });
        socket.on("error", (error) => {
          writeError ??= error;
          if (!written) return;
          reject(error);
        });
        socket.setTimeout(20_000, () => socket.destroy(new Error("no answer")));
      });
      expect(outcome.writeError ?? null, path).toBeNull();
      expect(parseRaw(outcome.answer).status, path).toBe(path.startsWith("/api/v1") ? 400 : 413);
    }
  });

  it("answers a request Node cannot parse with the 501 envelope, not an empty 400", async () => {
    for (const request of [
      "FOO BAR BAZ\r\n\r\n",
      "GET /api/v1/user/me HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
      `GET /api/v1/user/me HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`,
      "POST /api/v1/user/login HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    ]) {
      const answer = parseRaw(await raw(server.url, request));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ code: 501, msg: "参数错误", data: null });
    }
  });
});

describe.each(targets)("HSTS behind a trusted proxy on $name", (target) => {
  it("is sent when the trusted proxy says https, with upgrade-insecure-requests in the pages' CSP", async () => {
    const t = await runtimeFor(target, { TRUST_PROXY: "1", APP_URL: "https://auth.example.com" });
    const server = await serveFront(t.runtime);
    try {
      const page = await fetch(`${server.url}/sign-in`, { headers: { "x-forwarded-proto": "https" } });
      expect(page.headers.get("strict-transport-security")).toMatch(/max-age=(\d+)/);
      expect(Number(/max-age=(\d+)/.exec(page.headers.get("strict-transport-security")!)![1])).toBeGreaterThanOrEqual(31_536_000);
      expect(page.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
      const api = await fetch(`${server.url}/api/v1/user/me`, { headers: { "x-forwarded-proto": "https" } });
      expect(api.headers.get("strict-transport-security")).not.toBeNull();
      const plain = await fetch(`${server.url}/sign-in`, { headers: { "x-forwarded-proto": "http" } });
      expect(plain.headers.get("strict-transport-security")).toBeNull();
    } finally {
      await server.close();
      await t.close();
    }
  });
});

describe.each(targets)("the embedded default's loopback origin on $name", (target) => {
  it("moves a page opened under another name of this machine to APP_URL, whose origin alone may call the API", async () => {
    const t = await runtimeFor(target, { APP_URL: "http://localhost:3000" });
    const server = await serveFront(t.runtime);
    try {
      const page = parseRaw(await raw(server.url, "GET /sign-in?x=1 HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nConnection: close\r\n\r\n"));
      expect(page.status).toBe(308);
      expect(page.headers.get("location")).toBe("http://localhost:3000/sign-in?x=1");
      const same = parseRaw(await raw(server.url, "GET /sign-in HTTP/1.1\r\nHost: localhost:3000\r\nConnection: close\r\n\r\n"));
      expect(same.status).toBe(200);
      const elsewhere = parseRaw(await raw(server.url, "GET /sign-in HTTP/1.1\r\nHost: rekey.example\r\nConnection: close\r\n\r\n"));
      expect(elsewhere.status).toBe(200);
      for (const origin of ["http://127.0.0.1:3000", "http://[::1]:3000"]) {
        const res = await fetch(`${server.url}/api/trpc/auth.signOut`, { method: "POST", headers: { origin, "content-type": "application/json" } });
        expect(res.status, origin).toBe(403);
      }
    } finally {
      await server.close();
      await t.close();
    }
  });
});
