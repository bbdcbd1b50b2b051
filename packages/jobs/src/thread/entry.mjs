// The delivery thread's first module: plain JavaScript, so Node can load it as it is; it lets the thread
// load the workspace's TypeScript sources (tsx), then runs the thread's body. The email templates' tsconfig
// is the one that says how to compile JSX (the automatic runtime), and nothing else differs.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../../../email/tsconfig.json", import.meta.url)) });
await import("./delivery-thread.ts");
