"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { domainCode, errorText } from "~/components/errors";
import { takeFromAddressBar } from "~/components/address-bar";
import { FormMessage } from "~/components/field";
import { useT } from "~/i18n/client";
import type { MessageKey } from "~/i18n/messages";
import { api } from "~/trpc/react";

const STORE_KEY = "rekey.secure-token";

type Dead = "missing" | "invalid" | "expired";
const DEAD_MESSAGE: Record<Dead, MessageKey> = {
  missing: "reset.missing",
  invalid: "secure.invalid",
  expired: "secure.expired",
};

/**
 * Takes the token from the address bar once and removes it at once (history.replaceState), so it is not
 * left in history, bookmarks or screenshots. Kept for this tab only, so a reload still shows the button.
 */
function takeToken(): string | null {
  const { token: fromUrl } = takeFromAddressBar("token");
  if (fromUrl !== null) {
    sessionStorage.setItem(STORE_KEY, fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem(STORE_KEY);
}

/** The way back into the account, whatever happened here: a new password from the forgot page. */
function ResetLink() {
  const t = useT();
  return (
    <Link href="/forgot-password" className="button primary">
      {t("secure.reset")}
    </Link>
  );
}

/**
 * Explains what confirming does and acts only on the button: mail scanners and previews open links, and
 * opening must never sign anyone out or lock anything.
 */
export function SecureAccountView() {
  const t = useT();
  const utils = api.useUtils();
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [dead, setDead] = useState<Dead | null>(null);
  const report = api.auth.reportPasswordChange.useMutation({
    onSuccess: async () => {
      sessionStorage.removeItem(STORE_KEY);
      // This browser was signed out too: the header stops showing the account.
      await utils.auth.me.invalidate();
    },
    onError: (error) => {
      const code = domainCode(error);
      const gone: Dead | null = code === "TOKEN_EXPIRED" ? "expired" : code === "TOKEN_INVALID" ? "invalid" : null;
      if (gone) sessionStorage.removeItem(STORE_KEY);
      setDead(gone);
    },
  });

  useEffect(() => {
    const found = takeToken();
    setToken(found);
    if (!found) setDead("missing");
    // Runs once, as the page opens; it only reads the address (nothing is sent).
  }, []);

  let body;
  if (report.isSuccess) {
    body = (
      <div role="status" className="success">
        <p>{t("secure.done")}</p>
        <ResetLink />
      </div>
    );
  } else if (dead) {
    body = (
      <div role="alert" className="dead">
        <p>{t(DEAD_MESSAGE[dead])}</p>
        <ResetLink />
      </div>
    );
  } else {
    body = (
      <>
        <p>{t("secure.intro")}</p>
        <ul>
          <li>{t("secure.effectSessions")}</li>
          <li>{t("secure.effectLocked")}</li>
          <li>{t("secure.effectLinks")}</li>
        </ul>
        <p>{t("secure.ifYou")}</p>
        <FormMessage error={report.error ? errorText(report.error, t) : null} />
        <button type="button" className="primary" disabled={!token || report.isPending} onClick={() => token && report.mutate({ token })}>
          {t("secure.confirm")}
        </button>
      </>
    );
  }

  return (
    <section className="card">
      <h1>{t("secure.title")}</h1>
      {body}
    </section>
  );
}
