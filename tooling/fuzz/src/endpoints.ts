/**
 * Endpoints: every REST path and tRPC procedure with a valid input for each, unknown paths and procedures,
 * batches, and the well-formed request ("base") that a case starts from.
 */
import fc from "fast-check";
import { jsonBody, type Body, type Json, type JsonObject } from "./bodies";
import type { Surface, TrpcInfo } from "./model";

// ---------------------------------------------------------------------------------------------------------------
// Endpoints

const REST_USER_ROUTES = {
  requestPasswordReset: "POST",
  verifyResetToken: "POST",
  resetPassword: "POST",
  register: "POST",
  login: "POST",
  reportPasswordChange: "POST",
  me: "GET",
  logout: "POST",
} as const;
type RestUserRoute = keyof typeof REST_USER_ROUTES;

const TRPC_PROCEDURES = {
  "auth.passwordReset.request": { type: "mutation", input: "requestPasswordReset" },
  "auth.passwordReset.verify": { type: "mutation", input: "verifyResetToken" },
  "auth.passwordReset.reset": { type: "mutation", input: "resetPassword" },
  "auth.signUp": { type: "mutation", input: "register" },
  "auth.signIn": { type: "mutation", input: "login" },
  "auth.reportPasswordChange": { type: "mutation", input: "reportPasswordChange" },
  "auth.signOut": { type: "mutation", input: "none" },
  "auth.me": { type: "query", input: "none" },
} as const satisfies Record<string, { type: "query" | "mutation"; input: RestUserRoute | "none" }>;
type TrpcProcedure = keyof typeof TRPC_PROCEDURES;
const PROCEDURE_NAMES = Object.keys(TRPC_PROCEDURES) as TrpcProcedure[];

export function isKnownProcedure(name: string): boolean {
  return Object.hasOwn(TRPC_PROCEDURES, name);
}

// ---------------------------------------------------------------------------------------------------------------
// Valid field values

const asciiPassword = fc.stringMatching(/^[!-~]{6,40}$/);
const email = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,15}@[a-z0-9-]{1,12}\.(com|org|net|example)$/) },
  { weight: 2, arbitrary: fc.constantFrom("demo@example.com", "user@example.com", "DEMO@Example.COM", " demo@example.com ") },
);
const username = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_]{3,20}$/), fc.constant("demo"));
const token = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/));
const code = fc.oneof(fc.stringMatching(/^\d{8}$/), fc.stringMatching(/^\d{4} \d{4}$/));
const captcha = fc.stringMatching(/^[A-Za-z0-9+/]{8,80}={0,2}$/);

function withoutUndefined(o: Record<string, Json | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** A valid input for each REST path (the tRPC procedures take the same objects). */
const VALID_INPUT: Record<RestUserRoute | "none", fc.Arbitrary<JsonObject>> = {
  requestPasswordReset: fc.record({ email, captcha: fc.option(captcha, { nil: undefined, freq: 4 }) }).map(withoutUndefined),
  verifyResetToken: fc.oneof(fc.record({ token }), fc.record({ email, code })),
  resetPassword: fc.oneof(fc.record({ token, new_password: asciiPassword }), fc.record({ email, code, new_password: asciiPassword })),
  register: fc.record({ email, username, password: asciiPassword }),
  login: fc.record({ account: fc.oneof(email, username), password: asciiPassword }),
  reportPasswordChange: fc.record({ token }),
  me: fc.constant({}),
  logout: fc.constant({}),
  none: fc.constant({}),
};

// ---------------------------------------------------------------------------------------------------------------
// Endpoints → base request

export interface Base {
  surface: Surface;
  label: string;
  path: string;
  /** `?batch=1` for batches, else "". */
  queryPrefix: string;
  /** The endpoint's own method. */
  method: string;
  /** tRPC GET calls carry their input in `?input=` rather than in the body. */
  inputInQuery: boolean;
  /** What a well-behaved client sends (undefined: no body). */
  valid: Body | undefined;
  /** Valid inputs, from which a hostile body is made when the case mutates the body. */
  input: fc.Arbitrary<JsonObject>;
  trpc?: TrpcInfo;
}

const validBody = (o: fc.Arbitrary<JsonObject>) => o.map((v) => jsonBody(v, ""));

const restKnown: fc.Arbitrary<Base> = fc
  .constantFrom(...(Object.keys(REST_USER_ROUTES) as RestUserRoute[]), "openapi.json", "captcha/challenge")
  .chain((name) => {
    const documentPath = name === "openapi.json" || name === "captcha/challenge";
    const method = documentPath ? "GET" : REST_USER_ROUTES[name as RestUserRoute];
    const input = documentPath ? fc.constant({}) : VALID_INPUT[name as RestUserRoute];
    return validBody(input).map((valid) => ({
      surface: "rest" as const,
      label: documentPath ? `rest ${name}` : `rest user/${name}`,
      path: documentPath ? `/api/v1/${name}` : `/api/v1/user/${name}`,
      queryPrefix: "",
      method,
      inputInQuery: false,
      valid: method === "POST" ? valid : undefined,
      input,
    }));
  });

const restUnknown: fc.Arbitrary<Base> = fc
  .tuple(
    fc.oneof(
      fc
        .stringMatching(/^[A-Za-z0-9_-]{1,30}$/)
        .filter((n) => !Object.hasOwn(REST_USER_ROUTES, n))
        .map((n) => `user/${n}`),
      fc
        .array(
          fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/).filter((s) => s !== "." && s !== ".."),
          { minLength: 1, maxLength: 5 },
        )
        .map((a) => a.join("/")),
      fc.constantFrom(
        "user",
        "users/login",
        "user/login/extra",
        "captcha",
        "openapi",
        "openapi.json.bak",
        "user/constructor",
        "user/__proto__",
        "user/toString",
        "user/hasOwnProperty",
        "User/login",
        "user/LOGIN",
        "health",
        "user/login.json",
        "trpc/auth.me",
        "v2/user/login",
        "user/me/me",
      ),
    ),
    validBody(VALID_INPUT.login),
    fc.constantFrom("GET", "POST"),
  )
  .map(([rest, valid, method]) => ({
    surface: "rest" as const,
    label: "rest unknown",
    path: `/api/v1/${rest}`,
    queryPrefix: "",
    method,
    inputInQuery: false,
    valid: method === "POST" ? valid : undefined,
    input: VALID_INPUT.login,
  }));

const unknownProcedure: fc.Arbitrary<string> = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/),
    fc.constantFrom(
      "auth.passwordreset.request",
      "auth.passwordReset",
      "auth",
      "auth.me.x",
      "auth.me.",
      ".auth.me",
      "auth..me",
      "passwordReset.request",
      "signIn",
      "__proto__",
      "constructor",
      "auth.__proto__",
      "toString",
      "auth.hasOwnProperty",
      "auth.constructor.name",
      "auth.passwordReset.__proto__",
      "_def",
      "auth._def",
      "auth.signIn.mutation",
      "AUTH.ME",
      "auth.Me",
      "health",
    ),
  )
  .filter((n) => !isKnownProcedure(n) && !/^\.*$/.test(n));

function inputFor(proc: string): fc.Arbitrary<JsonObject> {
  return isKnownProcedure(proc) ? VALID_INPUT[TRPC_PROCEDURES[proc as TrpcProcedure].input] : fc.constant({ email: "demo@example.com" });
}

const isQuery = (proc: string) => isKnownProcedure(proc) && TRPC_PROCEDURES[proc as TrpcProcedure].type === "query";

const trpcSingle: fc.Arbitrary<Base> = fc
  .oneof({ weight: 2, arbitrary: fc.constantFrom(...PROCEDURE_NAMES) }, { weight: 1, arbitrary: unknownProcedure })
  .chain((proc) =>
    fc.tuple(validBody(inputFor(proc)), fc.boolean(), fc.boolean()).map(([valid, getForUnknown, sendInput]) => {
      const known = isKnownProcedure(proc);
      const get = known ? isQuery(proc) : getForUnknown;
      const noInput = known && TRPC_PROCEDURES[proc as TrpcProcedure].input === "none";
      return {
        surface: "trpc" as const,
        label: known ? `trpc ${proc}` : "trpc unknown-procedure",
        path: `/api/trpc/${proc}`,
        queryPrefix: "",
        method: get ? "GET" : "POST",
        inputInQuery: get,
        valid: noInput && !sendInput ? undefined : valid,
        input: inputFor(proc),
        trpc: { calls: [proc], unknown: [!known] },
      };
    }),
  );

const trpcBatch: fc.Arbitrary<Base> = fc
  .oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 11, max: 30 }))
  .chain((n) =>
    fc.array(fc.oneof({ weight: 7, arbitrary: fc.constantFrom(...PROCEDURE_NAMES) }, { weight: 2, arbitrary: unknownProcedure }), {
      minLength: n,
      maxLength: n,
    }),
  )
  .chain((calls) => {
    const inputs = fc.tuple(...calls.map((c) => inputFor(c))).map((list) => Object.fromEntries(list.map((v, i) => [String(i), v])) as JsonObject);
    return fc.tuple(validBody(inputs), fc.integer({ min: 0, max: 9 })).map(([valid, r]) => {
      const get = calls.every(isQuery) ? r < 8 : r < 1;
      return {
        surface: "trpc" as const,
        label: `trpc batch×${calls.length}`,
        path: `/api/trpc/${calls.join(",")}`,
        queryPrefix: "?batch=1",
        method: get ? "GET" : "POST",
        inputInQuery: get,
        valid,
        input: inputs,
        trpc: { calls, unknown: calls.map((c) => !isKnownProcedure(c)) },
      };
    });
  });

export const endpoint: fc.Arbitrary<Base> = fc.oneof(
  { weight: 45, arbitrary: restKnown },
  { weight: 10, arbitrary: restUnknown },
  { weight: 27, arbitrary: trpcSingle },
  { weight: 18, arbitrary: trpcBatch },
);
