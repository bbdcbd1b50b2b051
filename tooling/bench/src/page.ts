import { gzipSync } from "node:zlib";
import { chromium, type Response } from "playwright-core";

interface PageScript {
  url: string;
  bytes: number;
  gzipBytes: number;
  /** What the server sent as Content-Encoding (`identity` when none). */
  encoding: string;
}

export interface PageMeasure {
  /** JavaScript files requested before the `load` event. */
  scripts: number;
  /** Their size as gzip -9 of each body, whatever the server sent, so servers compare alike. */
  jsGzipKB: number;
  /** Largest contentful paint, from navigation start. */
  lcpMs: number;
  /** Whether any of those scripts came compressed from the server. */
  serverCompressed: boolean;
  files: PageScript[];
  /** JavaScript requested after `load`, until the page was ready (deferred work still costs the visitor). */
  lateScripts: PageScript[];
}

export interface MeasureOptions {
  executablePath?: string;
  /**
   * A selector for what the page shows once it has settled (the reset page's verdict): LCP is read after it
   * is visible and painted, since it can still become the largest paint.
   */
  ready?: string;
  /** A slower link and CPU than localhost's (e.g. Lighthouse's mobile: 1638 kbps, 150 ms, CPU x4). */
  throttle?: { downloadKbps: number; latencyMs: number; cpuSlowdown?: number };
}

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function isScript(response: Response): boolean {
  // Workers made from blob: URLs (the captcha's) are built in the page, not downloaded.
  if (!response.url().startsWith("http")) return false;
  const type = response.request().resourceType();
  const contentType = response.headers()["content-type"] ?? "";
  return type === "script" || /javascript/.test(contentType);
}

async function describe(response: Response): Promise<PageScript | null> {
  const body = await response.body().catch(() => null);
  if (!body) return null;
  return {
    url: response.url(),
    bytes: body.length,
    gzipBytes: gzipSync(body, { level: 9 }).length,
    encoding: response.headers()["content-encoding"] ?? "identity",
  };
}

/** LCP as the browser reports it (buffered): the latest candidate. A string, so no transpiler helper leaks in. */
const READ_LCP = `new Promise((resolve) => {
  new PerformanceObserver((list) => resolve(list.getEntries().at(-1)?.startTime ?? -1))
    .observe({ type: "largest-contentful-paint", buffered: true });
  setTimeout(() => resolve(-1), 2000);
})`;

/** Resolves once the next frame has been painted (this package has no DOM types, hence a string). */
const PAINTED = "new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)))";

/** One cold load of `url` in headless Chromium (fresh context, empty cache). */
export async function measurePage(url: string, options: MeasureOptions = {}): Promise<PageMeasure> {
  const browser = await chromium.launch({ executablePath: options.executablePath ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (options.throttle) {
      const { downloadKbps, latencyMs, cpuSlowdown = 1 } = options.throttle;
      const cdp = await context.newCDPSession(page);
      const bytesPerSecond = (downloadKbps * 1024) / 8;
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: latencyMs,
        downloadThroughput: bytesPerSecond,
        uploadThroughput: bytesPerSecond,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuSlowdown });
    }
    let loaded = false;
    const early: Promise<PageScript | null>[] = [];
    const late: Promise<PageScript | null>[] = [];
    // Requests, not responses, decide which side of `load` a script falls on.
    const beforeLoad = new WeakSet<object>();
    page.once("load", () => {
      loaded = true;
    });
    page.on("request", (request) => {
      if (!loaded) beforeLoad.add(request);
    });
    page.on("response", (response) => {
      if (!isScript(response)) return;
      (beforeLoad.has(response.request()) ? early : late).push(describe(response));
    });
    await page.goto(url, { waitUntil: "load" });
    // What renders after hydration (the reset page's verdict) can still become the LCP: wait for it, then for
    // two animation frames so that it has been painted.
    await page.waitForLoadState("networkidle");
    if (options.ready) await page.locator(options.ready).first().waitFor({ state: "visible" });
    await page.evaluate(PAINTED);
    const lcpMs = (await page.evaluate(READ_LCP)) as number;
    const files = (await Promise.all(early)).filter((file): file is PageScript => file !== null);
    const lateScripts = (await Promise.all(late)).filter((file): file is PageScript => file !== null);
    const gzip = files.reduce((sum, file) => sum + file.gzipBytes, 0);
    return {
      scripts: files.length,
      jsGzipKB: Math.round((gzip / 1024) * 10) / 10,
      lcpMs: Math.round(lcpMs),
      serverCompressed: files.some((file) => file.encoding !== "identity"),
      files,
      lateScripts,
    };
  } finally {
    await browser.close();
  }
}
