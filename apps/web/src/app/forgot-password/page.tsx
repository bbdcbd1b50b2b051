import { titled } from "~/i18n/server";
import { ForgotPasswordView } from "~/views/forgot-password";

export const generateMetadata = titled("forgot.title");

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<{ email?: string | string[] }> }) {
  const { email } = await searchParams;
  return <ForgotPasswordView initialEmail={typeof email === "string" ? email.slice(0, 254) : ""} />;
}
