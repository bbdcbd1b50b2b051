import { titled } from "~/i18n/server";
import { SignUpView } from "~/views/sign-up";

export const generateMetadata = titled("signUp.title");

export default function SignUpPage() {
  return <SignUpView />;
}
