import { titled } from "~/i18n/server";
import { SignInView } from "~/views/sign-in";

export const generateMetadata = titled("signIn.title");

/**
 * `?reset=1&account=<username>` comes from a completed reset: the page says the password was changed and
 * fills in the account. Only the username travels in the address, never a token or a password.
 */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ reset?: string | string[]; account?: string | string[] }> }) {
  const { reset, account } = await searchParams;
  return <SignInView justReset={reset === "1"} initialAccount={typeof account === "string" ? account.slice(0, 254) : ""} />;
}
