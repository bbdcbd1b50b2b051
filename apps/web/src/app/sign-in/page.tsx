import { titled } from "~/i18n/server";
import { SignInView } from "~/views/sign-in";

export const generateMetadata = titled("signIn.title");

export default function SignInPage() {
  return <SignInView />;
}
