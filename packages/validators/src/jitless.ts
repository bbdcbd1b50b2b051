import { z } from "zod";

// In the browser, zod probes for `new Function` to compile faster parsers; the pages' CSP forbids eval, so the
// probe only produces a policy violation. Parsing a form's few fields needs no compiler. (Its own module,
// imported first by auth.ts, so it runs before any schema is built; the package's one side effect.)
if ("window" in globalThis) z.config({ jitless: true });
