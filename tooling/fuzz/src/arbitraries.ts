/**
 * fast-check arbitraries for one fuzz case: an endpoint (every REST path, every tRPC procedure, unknown
 * ones, batches), a method, path and query mutations, header mutations, a body and its framing.
 * Everything here is symbolic and independent of the target; `assemble.ts` turns a spec into bytes.
 * The parts come from `endpoints.ts`, `request-line.ts`, `headers.ts` and `bodies.ts`; this file picks which
 * of them a case changes and puts the case together.
 */
import fc from "fast-check";
import { hostileBody, type Body } from "./bodies";
import { endpoint } from "./endpoints";
import { acceptLanguage, authorization, contentType, cookie, crossSiteHeaders, framing, otherHeaders } from "./headers";
import type { CaseSpec, ContentTypeChoice, Framing, HeaderMutation } from "./model";
import { otherMethod, pathMutation, percentEncode, queryGarbage } from "./request-line";

/** Beyond Node's 16 KiB header limit a longer URL only costs time: GET inputs are cut at 8 KiB (→ ≤ 24 KiB encoded). */
const MAX_QUERY_INPUT = 8 * 1024;

/** tRPC input as a query parameter (GET). */
function queryInput(body: Body): string {
  return body.bytes === "" ? "" : `input=${percentEncode(body.bytes.slice(0, MAX_QUERY_INPUT))}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The whole case: an endpoint's well-formed request with 0–4 things changed ("dimensions"), so that most cases
// still reach the app's own logic and a failure points at few causes.

const DIMENSIONS = [
  "method",
  "method",
  "path",
  "path",
  "query",
  "content-type",
  "framing",
  "framing",
  "cross-site",
  "cross-site",
  "accept-language",
  "authorization",
  "cookie",
  "header",
  "header",
  "body",
  "body",
  "body",
  "body",
  "body",
] as const;
type Dimension = (typeof DIMENSIONS)[number];

const dimensions: fc.Arbitrary<Set<Dimension>> = fc
  .oneof(
    { weight: 12, arbitrary: fc.constant(0) },
    { weight: 45, arbitrary: fc.constant(1) },
    { weight: 28, arbitrary: fc.constant(2) },
    { weight: 10, arbitrary: fc.constant(3) },
    { weight: 5, arbitrary: fc.constant(4) },
  )
  .chain((k) => fc.shuffledSubarray([...DIMENSIONS], { minLength: k, maxLength: k }))
  .map((list) => new Set(list));

const none = fc.constant(undefined);
/** Generates a dimension's mutation only when the case uses it (huge bodies and headers are not free). */
function when<T>(dims: Set<Dimension>, d: Dimension, arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return dims.has(d) ? arb : none;
}

export const caseArbitrary: fc.Arbitrary<CaseSpec> = fc
  .tuple(endpoint, dimensions)
  .chain(([base, dims]) =>
    fc.record({
      base: fc.constant(base),
      dims: fc.constant(dims),
      hostile: when(dims, "body", hostileBody(base.input)),
      method: when(dims, "method", otherMethod),
      pathMutations: when(dims, "path", fc.array(fc.tuple(pathMutation, fc.nat()), { minLength: 1, maxLength: 2 })),
      query: when(dims, "query", queryGarbage),
      contentType: when(dims, "content-type", contentType),
      framing: when(dims, "framing", framing),
      crossSite: when(dims, "cross-site", crossSiteHeaders),
      acceptLanguage: when(dims, "accept-language", acceptLanguage),
      authorization: when(dims, "authorization", authorization),
      cookie: when(dims, "cookie", cookie),
      headers: when(dims, "header", fc.array(otherHeaders, { minLength: 1, maxLength: 2 })),
    }),
  )
  .map((r) => {
    const { base } = r;
    const tags: string[] = [base.label];
    const method = r.method && r.method.method !== base.method ? r.method : { method: base.method, tag: "" };
    if (method.tag) tags.push(method.tag);

    let path = base.path;
    for (const [mutation, n] of r.pathMutations ?? []) {
      path = mutation.apply(path, n);
      tags.push(mutation.tag);
    }

    const body = r.hostile ?? base.valid;
    if (r.hostile) tags.push(r.hostile.tag);
    let query = base.queryPrefix;
    const params: string[] = [];
    if (base.inputInQuery && body) {
      const input = queryInput(body);
      if (input) params.push(input);
    }
    if (r.query) {
      params.push(r.query.text);
      tags.push(r.query.tag);
    }
    if (params.length) query = query ? `${query}&${params.join("&")}` : `?${params.join("&")}`;
    const sent = base.inputInQuery ? undefined : body;

    const ct: ContentTypeChoice = r.contentType ?? { kind: "default" };
    if (ct.kind !== "default") tags.push(ct.kind === "none" ? "ct:none" : `ct:${ct.jsonish ? "json-variant" : "other"}`);
    const fr: Framing = r.framing ?? { kind: "length" };
    if (fr.kind !== "length") tags.push(`framing:${fr.kind}`);

    const hs: HeaderMutation[] = [
      ...(r.crossSite ?? []),
      ...[r.acceptLanguage, r.authorization, r.cookie].filter((h) => h !== undefined),
      ...(r.headers ?? []),
    ];
    for (const h of hs)
      tags.push(
        h.kind === "raw"
          ? h.tag
          : h.kind === "origin"
            ? `hdr:origin-${h.origin}`
            : h.kind === "sec-fetch-site"
              ? `hdr:sec-fetch-site=${h.value.slice(0, 12)}`
              : `hdr:${h.kind}`,
      );

    const spec: CaseSpec = {
      surface: base.surface,
      label: base.label,
      method: method.method,
      path,
      query,
      cleanPath: r.pathMutations === undefined,
      cleanQuery: r.query === undefined,
      body: sent?.bytes ?? "",
      bodyIsJson: sent ? sent.isJson : false,
      contentType: ct,
      framing: fr,
      headers: hs,
      trpc: base.trpc,
      tags,
    };
    return spec;
  });
