import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const expiryPort = Number(process.env.E2E_EXPIRY_PORT ?? port + 1);
const baseURL = `http://localhost:${port}`;
const expiryBaseURL = `http://localhost:${expiryPort}`;
// One fresh embedded database per server and run; workers re-read this file, so the main process picks them once.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "rekey-e2e-"));
process.env.E2E_EXPIRY_DATA_DIR ??= mkdtempSync(join(tmpdir(), "rekey-e2e-expiry-"));

/** The expiry spec needs links that really expire on the server; the shortest lifetime allowed is 60 s. */
const EXPIRY_SPEC = /opens-an-expired-link\.spec\.ts$/;

/** A production build, started the way operators start it (`next build` runs before this suite). */
function server(serverPort: number, dataDir: string | undefined, env: Record<string, string> = {}) {
  const url = `http://localhost:${serverPort}`;
  return {
    command: "node ../apps/web/server.mjs",
    url: `${url}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe" as const,
    env: { PORT: String(serverPort), NODE_ENV: "production", APP_URL: url, DATA_DIR: dataDir ?? "", LOG_LEVEL: "warn", ...env },
  };
}

export default defineConfig({
  testDir: "./specs",
  outputDir: "./test-results",
  fullyParallel: false,
  // Two workers: the expiry spec spends a minute waiting for its link to expire while the rest runs beside it.
  // Every spec signs up its own accounts, so no spec depends on another.
  workers: 2,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [["list"]],
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    browserName: "chromium",
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // Listed first so that it starts first: its minute of waiting overlaps the other specs.
    { name: "expiry", testMatch: EXPIRY_SPEC, timeout: 120_000, use: { baseURL: expiryBaseURL } },
    { name: "chromium", testIgnore: EXPIRY_SPEC, timeout: 90_000 },
  ],
  webServer: [
    server(port, process.env.E2E_DATA_DIR, {
      // A documented setting, not a bypass: every spec comes from 127.0.0.1, and the suite asks for 9 reset
      // links on this server, so the default 10 per IP per 15 minutes would leave one spec's worth of room
      // (per-address and every other limit stay at their defaults).
      RATE_LIMITS: "reset_ip=100/15m",
    }),
    // Only for the expiry spec: links live 60 s (the minimum PASSWORD_RESET_TTL_SECONDS accepts), own database.
    server(expiryPort, process.env.E2E_EXPIRY_DATA_DIR, { PASSWORD_RESET_TTL_SECONDS: "60" }),
  ],
});
