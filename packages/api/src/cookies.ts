import { stringifySetCookie } from "cookie";
import { sessionCookieName, type ApiContext } from "./context";

/** httpOnly (no script can read it), SameSite=Lax (no cross-site POSTs carry it), Secure over https. */
function writeSessionCookie(ctx: ApiContext, value: string, lifetime: { expires: Date } | { maxAge: 0 }): void {
  ctx.resHeaders.append(
    "set-cookie",
    stringifySetCookie({
      name: sessionCookieName(ctx.runtime),
      value,
      httpOnly: true,
      sameSite: "lax",
      secure: ctx.runtime.config.appUrl.startsWith("https:"),
      path: "/",
      ...lifetime,
    }),
  );
}

export function setSessionCookie(ctx: ApiContext, session: { token: string; expiresAt: Date }): void {
  writeSessionCookie(ctx, session.token, { expires: session.expiresAt });
}

export function clearSessionCookie(ctx: ApiContext): void {
  writeSessionCookie(ctx, "", { maxAge: 0 });
}
