import {
  requestPasswordResetInput,
  requestPasswordResetOutput,
  resetPasswordInput,
  signInInput,
  signInOutput,
  signUpInput,
  userOutput,
  verifyResetTokenInput,
  verifyResetTokenOutput,
  type SuccessKey,
} from "@rekey/validators";
import type { z } from "zod";
import type { createCaller } from "../root";

type Caller = ReturnType<typeof createCaller>;

export interface RestRoute {
  method: "GET" | "POST";
  summary: string;
  /** Needs `Authorization: Bearer <token>`. */
  auth?: boolean;
  input?: z.ZodType;
  output?: z.ZodType;
  /** Domain codes this path can answer with besides PARAM_ERROR/INTERNAL (documented in OpenAPI). */
  errors: string[];
  message: SuccessKey;
  call(caller: Caller, body: unknown): Promise<unknown>;
}

/** `/api/v1/user/<name>` → the tRPC procedure it calls. The REST adapter has no logic of its own. */
export const REST_ROUTES: Record<string, RestRoute> = {
  requestPasswordReset: {
    method: "POST",
    summary: "Request a password reset email",
    input: requestPasswordResetInput,
    output: requestPasswordResetOutput,
    errors: ["EMAIL_NOT_REGISTERED", "RATE_LIMITED", "CAPTCHA_REQUIRED"],
    message: "requestPasswordReset",
    call: (caller, body) => caller.auth.passwordReset.request(body as never),
  },
  verifyResetToken: {
    method: "POST",
    summary: "Check a reset token without using it",
    input: verifyResetTokenInput,
    output: verifyResetTokenOutput,
    errors: ["TOKEN_INVALID", "TOKEN_EXPIRED", "USER_NOT_FOUND", "RATE_LIMITED"],
    message: "verifyResetToken",
    call: (caller, body) => caller.auth.passwordReset.verify(body as never),
  },
  resetPassword: {
    method: "POST",
    summary: "Set a new password with a reset token",
    input: resetPasswordInput,
    errors: ["TOKEN_INVALID", "TOKEN_EXPIRED", "USER_NOT_FOUND", "PASSWORD_TOO_SHORT", "PASSWORD_TOO_COMMON", "PASSWORD_UNCHANGED", "RATE_LIMITED"],
    message: "resetPassword",
    call: (caller, body) => caller.auth.passwordReset.reset(body as never),
  },
  register: {
    method: "POST",
    summary: "Create an account",
    input: signUpInput,
    output: userOutput,
    errors: ["EMAIL_TAKEN", "USERNAME_TAKEN", "PASSWORD_TOO_SHORT", "PASSWORD_TOO_COMMON", "RATE_LIMITED"],
    message: "register",
    call: (caller, body) => caller.auth.signUp(body as never),
  },
  login: {
    method: "POST",
    summary: "Sign in with an email address or username; returns a bearer token",
    input: signInInput,
    output: signInOutput,
    errors: ["INVALID_CREDENTIALS", "RATE_LIMITED", "CAPTCHA_REQUIRED"],
    message: "login",
    call: (caller, body) => caller.auth.signIn(body as never),
  },
  me: {
    method: "GET",
    summary: "The signed-in account",
    auth: true,
    output: userOutput,
    errors: ["UNAUTHORIZED"],
    message: "me",
    call: (caller) => caller.auth.me(),
  },
  logout: {
    method: "POST",
    summary: "End the bearer session",
    auth: true,
    errors: ["UNAUTHORIZED"],
    message: "logout",
    call: (caller) => caller.auth.signOut(),
  },
};
