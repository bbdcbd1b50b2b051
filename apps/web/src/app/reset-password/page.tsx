import { titled } from "~/i18n/server";
import { ResetPasswordView } from "~/views/reset-password";

export const generateMetadata = titled("reset.title");

/** The token is read in the browser and removed from the address bar at once; the server never renders it. */
export default function ResetPasswordPage() {
  return <ResetPasswordView />;
}
