// @ts-check
// The Next floor: a bare route handler running floors/cases.mjs (the same statements as the bare floor).
import postgres from "postgres";
import { CASES } from "../../../../cases.mjs";

const sql = postgres(process.env.DATABASE_URL ?? "", { max: 10, onnotice: () => {} });

/** @param {Request} request @param {{ params: Promise<{ case: string }> }} context */
export async function POST(request, { params }) {
  const run = CASES[(await params).case];
  if (!run) return Response.json({ code: 404, msg: "not found", data: null }, { status: 404 });
  const { status, body } = await run(sql, await request.json());
  return Response.json(body, { status });
}
