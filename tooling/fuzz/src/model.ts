/** What a generated case is made of, before and after it is turned into bytes. */

export type Surface = "rest" | "trpc";

/** Where the answer is checked against the tRPC rules (filled in only when the request is clean enough). */
export interface TrpcInfo {
  /** Procedure paths as written in the URL (comma-split when batched). */
  calls: string[];
  /** For each call: is it a procedure that does not exist? */
  unknown: boolean[];
}

/** A generated case: symbolic where the bytes depend on the target (host, port, origin). */
export interface CaseSpec {
  surface: Surface;
  /** Short name of the endpoint, e.g. `rest user/login`, `trpc auth.me`, `trpc batch×12`. */
  label: string;
  method: string;
  /** Path part of the request-target (byte string), after path mutations. */
  path: string;
  /** Query part including `?`, or "" (byte string). */
  query: string;
  /** The path was not mutated (no trailing slash, escape, dot segment…). */
  cleanPath: boolean;
  /** The query was not mutated. */
  cleanQuery: boolean;
  /** The body's bytes (byte string), before framing. */
  body: string;
  /** The body is syntactically valid JSON (valid UTF-8, parses). */
  bodyIsJson: boolean;
  contentType: ContentTypeChoice;
  framing: Framing;
  headers: HeaderMutation[];
  trpc?: TrpcInfo;
  /** Labels of everything that was mutated, for the report. */
  tags: string[];
}

export type ContentTypeChoice = { kind: "default" } | { kind: "none" } | { kind: "value"; value: string; jsonish: boolean };

export type Framing =
  | { kind: "length" }
  | { kind: "chunked"; pieces: number; upper: boolean; extension: boolean; trailer: boolean }
  | { kind: "none" }
  | { kind: "length-short" }
  | { kind: "length-long"; extra: number }
  | { kind: "length-garbage"; value: string }
  | { kind: "length-dup"; same: boolean }
  | { kind: "te+cl" }
  | { kind: "te-odd"; value: string }
  | { kind: "chunked-bad"; variant: "bad-hex" | "negative" | "overrun" };

export type OriginChoice = "same" | "evil" | "null" | "other-port" | "https" | "garbage" | "upper" | "slash";

export type HeaderMutation =
  | { kind: "origin"; origin: OriginChoice; garbage: string }
  | { kind: "sec-fetch-site"; value: string }
  | { kind: "raw"; name: string; value: string; tag: string }
  | { kind: "host"; value: string }
  | { kind: "many"; count: number; valueLength: number }
  | { kind: "drop-connection-close" };

/** A case turned into bytes for one target. */
export interface FuzzCase {
  index: number;
  spec: CaseSpec;
  payload: Buffer;
  /** The request-target as sent. */
  target: string;
  /** Headers as sent (byte strings). */
  headers: Array<[string, string]>;
  /** Size of the request line and headers: near or over Node's 16 KiB limit the HTTP layer answers, not the app. */
  headBytes: number;
  /** Body bytes the server will see as the request's content (0 when the framing sends none). */
  bodyBytes: number;
  /** The request is deliberately incomplete (declared more bytes than sent): the server may wait forever. */
  incomplete: boolean;
  /** true: clearly cross-site (Origin of another site or Sec-Fetch-Site: cross-site); undefined: ambiguous. */
  crossSite: boolean | undefined;
}
