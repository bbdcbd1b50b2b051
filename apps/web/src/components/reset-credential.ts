import { takeFromAddressBar } from "./address-bar";

/**
 * What proves a password reset in this tab: the emailed link's token, or the address and the code from the
 * same email (CONTRACT §4a). Kept in sessionStorage (this tab only, gone with it), never in the address.
 */
export type ResetCredential = { token: string } | { email: string; code: string };

const STORE_KEY = "rekey.reset";

export function storeResetCredential(credential: ResetCredential): void {
  sessionStorage.setItem(STORE_KEY, JSON.stringify(credential));
}

export function forgetResetCredential(): void {
  sessionStorage.removeItem(STORE_KEY);
}

function stored(): ResetCredential | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? "null");
    if (typeof value !== "object" || value === null) return null;
    const { token, email, code } = value as Record<string, unknown>;
    if (typeof token === "string") return { token };
    if (typeof email === "string" && typeof code === "string") return { email, code };
  } catch {
    // Not ours, or damaged: as if nothing were stored.
  }
  return null;
}

/**
 * The reset page's credential: a token in the address bar is taken once and removed at once
 * (history.replaceState), so it is not left in history, bookmarks or screenshots; otherwise the one this
 * tab kept (a reload, or the code entered on the forgot page).
 */
export function takeResetCredential(): ResetCredential | null {
  const { token: fromUrl } = takeFromAddressBar("token");
  if (fromUrl !== null) {
    storeResetCredential({ token: fromUrl });
    return { token: fromUrl };
  }
  return stored();
}
