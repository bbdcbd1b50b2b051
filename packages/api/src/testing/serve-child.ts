// A Rekey API process for tests that need a real process (signals, crashes): the app's front on a real
// runtime, served until SIGTERM/SIGINT exactly as apps/web/server.mjs serves it (pages get a stub, Next
// is not involved). Configured by the app's own environment variables.
import { createFront } from "../http/front";
import { createRuntime } from "@rekey/runtime";

const runtime = await createRuntime();
(runtime.jobs.thread ?? runtime.jobs.worker)?.start();
const front = createFront(runtime);
await front.serve(
  (_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>page</title>");
  },
  { log: (line) => process.stdout.write(`${line}\n`) },
);
process.stdout.write(`listening on ${front.port}\n`);
