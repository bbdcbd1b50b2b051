import { titled } from "~/i18n/server";
import { SecureAccountView } from "~/views/secure-account";

export const generateMetadata = titled("secure.title");

/**
 * "This wasn't me", from the password-changed email. The token is read in the browser and removed from the
 * address bar at once; the server never renders it. Opening the page does nothing: only its button acts.
 */
export default function SecureAccountPage() {
  return <SecureAccountView />;
}
