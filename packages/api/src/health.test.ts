import { testDatabases } from "@rekey/db/testing";
import { describe, expect, it } from "vitest";
import { healthResponse } from "./health";
import { runtimeFor } from "./testing/flows";

const targets = await testDatabases();

describe.each(targets)("GET /api/health on $name", (target) => {
  it('answers 200 {"status":"ok"} while the database answers, 503 once it does not', async () => {
    const t = await runtimeFor(target);
    const up = await healthResponse("GET", t.runtime);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: "ok" });
    expect(up.headers.get("cache-control")).toBe("no-store");

    await t.close();
    const down = await healthResponse("GET", t.runtime);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: "unavailable" });
    expect((await healthResponse("POST", t.runtime)).status).toBe(405);
  });
});
