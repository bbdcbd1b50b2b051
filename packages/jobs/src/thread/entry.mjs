// @ts-check
// The delivery thread's first module: plain JavaScript, so Node can load it as it is. A production server
// runs the thread's bundle (dist/delivery-thread.mjs, made by this package's build, which the app's build
// runs); development, tests, and a production start without a bundle load the TypeScript sources through
// tsx, with the email templates' tsconfig (it says how to compile JSX).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parentPort } from "node:worker_threads";

const bundle = new URL("../../dist/delivery-thread.mjs", import.meta.url);
const production = process.env.NODE_ENV === "production";
if (production && existsSync(bundle)) {
  await import(bundle.href);
} else {
  if (production) {
    const message = "delivery thread: no bundle (run the build), loading TypeScript sources through tsx (more memory)";
    parentPort?.postMessage({ type: "log", level: "warn", fields: {}, message });
  }
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: fileURLToPath(new URL("../../../email/tsconfig.json", import.meta.url)) });
  await import("./delivery-thread.ts");
}
