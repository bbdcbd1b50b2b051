// @ts-check
// The bare floor: node:http + postgres.js running floors/cases.mjs, nothing else. POST /<case> with JSON.
// Env: DATABASE_URL, PORT. Prints "listening" once it answers.
import { createServer } from "node:http";
import postgres from "postgres";
import { CASES } from "./cases.mjs";

const sql = postgres(process.env.DATABASE_URL ?? "", { max: 10, onnotice: () => {} });
// The floors' own queue table: their rows must not reach the app's email worker.
await sql`create table if not exists bench_floor_outbox (
  id bigserial primary key, recipient text not null, user_id uuid, created_at timestamptz not null default now())`;
const server = createServer((req, res) => {
  if (req.url === "/health") return void res.end("ok");
  const run = CASES[(req.url ?? "").slice(1)];
  const chunks = /** @type {Buffer[]} */ ([]);
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    let answer = { status: 404, body: { code: 404, msg: "not found", data: null } };
    try {
      if (run) answer = await run(sql, JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch {
      answer = { status: 500, body: { code: 500, msg: "error", data: null } };
    }
    const payload = JSON.stringify(answer.body);
    res.writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
    res.end(payload);
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.info("listening"));
process.on("SIGTERM", () => server.close(() => sql.end().then(() => process.exit(0))));
