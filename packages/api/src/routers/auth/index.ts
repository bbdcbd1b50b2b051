import { createTRPCRouter } from "../../trpc";
import { me } from "./me";
import { passwordResetRouter } from "./password-reset";
import { reportPasswordChange } from "./report-password-change";
import { signIn } from "./sign-in";
import { signOut } from "./sign-out";
import { signUp } from "./sign-up";

export const authRouter = createTRPCRouter({ passwordReset: passwordResetRouter, reportPasswordChange, signUp, signIn, signOut, me });
