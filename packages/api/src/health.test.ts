import { testDatabases } from "@rekey/db/testing";
import { describe, expect, it } from "vitest";
import { healthResponse } from "./health";
import { runtimeFor } from "./testing/flows";

const targets = await testDatabases();

describe.each(targets)("GET /api/health on $name", (target) => {
  it('answers 200 {"status":"ok"} while the database answers, 503 once it does not', async () => {
    const t = await runtimeFor(target);
    const up = await healthResponse(() => Promise.resolve(t.runtime));
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: "ok" });
    expect(up.headers.get("cache-control")).toBe("no-store");

    await t.close();
    const down = await healthResponse(() => Promise.resolve(t.runtime));
    expect(down.status).toBe(503);
    const failing = await healthResponse(() => Promise.reject(new Error("AUTH_SECRET is required")));
    expect(failing.status).toBe(503);
    expect(await failing.text()).not.toContain("AUTH_SECRET");
  });
});
