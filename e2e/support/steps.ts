import { randomBytes } from "node:crypto";
import { expect, type Locator, type Page } from "@playwright/test";
import { TEXT, type Text } from "./text";

const ZH = TEXT["zh-CN"];

export interface Account {
  email: string;
  username: string;
  password: string;
}

/** A new person for one test: unique email and username, a password no blocklist knows. */
export function newAccount(label: string): Account {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  return { email: `${label}-${id}@example.com`, username: `${label}_${id}`, password: newPassword() };
}

/** A fresh strong password (never a common one, never the same twice). */
export function newPassword(): string {
  return `Lantern-${randomBytes(4).toString("hex")}-Orbit`;
}

/** How the reset page shows an address: first character, `***`, then the domain. */
function masked(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}***@${domain}`;
}

/** Signs up through the sign-up page; the person lands on the home page, signed in. */
export async function signUp(page: Page, account: Account, t: Text = ZH): Promise<void> {
  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { level: 1, name: t.signUp.title })).toBeVisible();
  await page.getByLabel(t.field.email, { exact: true }).fill(account.email);
  await page.getByLabel(t.field.username, { exact: true }).fill(account.username);
  await page.getByLabel(t.field.password, { exact: true }).fill(account.password);
  await page.getByRole("button", { name: t.signUp.submit }).click();
  await expectSignedIn(page, account, t);
}

export async function expectSignedIn(page: Page, account: Account, t: Text = ZH): Promise<void> {
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText(t.home.signedInAs(account.username, account.email), { exact: true })).toBeVisible();
}

export async function expectSignedOut(page: Page, t: Text = ZH): Promise<void> {
  await expect(page.getByText(t.home.signedOut, { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: t.home.signOut })).toHaveCount(0);
}

/** From the signed-in home page. */
export async function signOut(page: Page, t: Text = ZH): Promise<void> {
  await page.getByRole("button", { name: t.home.signOut }).click();
  await expectSignedOut(page, t);
}

/** Fills and sends the sign-in form (the caller checks the outcome). */
export async function submitSignIn(page: Page, account: string, password: string, t: Text = ZH): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith("/sign-in")) await page.goto("/sign-in");
  await expect(page.getByRole("heading", { level: 1, name: t.signIn.title })).toBeVisible();
  await page.getByLabel(t.field.account, { exact: true }).fill(account);
  await page.getByLabel(t.field.password, { exact: true }).fill(password);
  await page.getByRole("main").getByRole("button", { name: t.signIn.submit, exact: true }).click();
}

export async function signIn(page: Page, account: Account, t: Text = ZH): Promise<void> {
  await submitSignIn(page, account.email, account.password, t);
  await expectSignedIn(page, account, t);
}

/**
 * Asks for a reset link on the forgot page (typing the address unless it is already filled in) and waits for
 * the neutral confirmation. The captcha solves itself; sending before it is done waits for it.
 */
export async function requestReset(page: Page, email: string, t: Text = ZH, minutes = 10): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith("/forgot-password")) await page.goto("/forgot-password");
  await expect(page.getByRole("heading", { level: 1, name: t.forgot.title })).toBeVisible();
  const field = page.getByLabel(t.field.email, { exact: true });
  if ((await field.inputValue()) !== email) await field.fill(email);
  await page.getByRole("button", { name: t.forgot.submit }).click();
  await expectResetRequested(page, email, t, minutes);
}

export async function expectResetRequested(page: Page, email: string, t: Text = ZH, minutes = 10): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: t.forgot.sentTitle })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: t.forgot.sentBody(email, minutes) })).toBeVisible();
}

/**
 * The mailbox page's messages of one subject sent to `email`, newest first, once `count` of them have arrived
 * (delivery is asynchronous: the page is reloaded until they are there).
 */
export async function mailsTo(page: Page, email: string, subject: string, count = 1, t: Text = ZH): Promise<Locator> {
  const mails = page.getByRole("article", { name: subject, exact: true }).filter({ hasText: `${t.mailbox.to}: ${email} ·` });
  await expect(async () => {
    await page.goto("/dev/mailbox");
    await expect(page.getByRole("heading", { level: 1, name: t.mailbox.title })).toBeVisible({ timeout: 1_000 });
    await expect(mails).toHaveCount(count, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  return mails;
}

/** The reset link in one email (its plain-text part, where the mailbox page makes it clickable). */
function resetLinkIn(mail: Locator): Locator {
  return mail.getByRole("link", { name: /\/reset-password\?token=/ }).first();
}

/** Waits for the newest reset email to `email` and returns its link's address. */
export async function newestResetLink(page: Page, email: string, t: Text = ZH, count = 1): Promise<string> {
  const mails = await mailsTo(page, email, t.mailbox.resetSubject, count, t);
  const href = await resetLinkIn(mails.first()).getAttribute("href");
  expect(href).toMatch(/\/reset-password\?token=[\w-]{20,}$/);
  return href ?? "";
}

/** Waits for the newest reset email to `email` and returns its code as the email shows it (`1234 5678`). */
export async function newestResetCode(page: Page, email: string, t: Text = ZH, count = 1): Promise<string> {
  const mails = await mailsTo(page, email, t.mailbox.resetSubject, count, t);
  // The code follows the sentence that explains it, in the email's plain-text part.
  const text = await mails.first().locator("pre").innerText();
  expect(text).toContain(t.mailbox.codeIntro);
  const after = text.slice(text.indexOf(t.mailbox.codeIntro) + t.mailbox.codeIntro.length);
  const code = /^\s*(\d{4} \d{4})\s*$/m.exec(after)?.[1];
  expect(code, "the code under its explanation").toBeTruthy();
  return code ?? "";
}

/**
 * Opens the "this wasn't me" link of the newest "password changed" email to `email` from the mailbox, the
 * way a person clicks it; returns its address.
 */
export async function openNewestSecureAccountLink(page: Page, email: string, t: Text = ZH, count = 1): Promise<string> {
  const mails = await mailsTo(page, email, t.mailbox.changedSubject, count, t);
  const link = mails
    .first()
    .getByRole("link", { name: /\/secure-account\?token=/ })
    .first();
  const href = (await link.getAttribute("href")) ?? "";
  expect(href).toMatch(/\/secure-account\?token=[\w-]{20,}$/);
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: t.secure.title })).toBeVisible();
  return href;
}

/**
 * On the forgot page's "I have a code" form: types the address (unless it is already filled in) and the code,
 * sends them, and returns once the server has answered (the caller checks the outcome).
 */
export async function submitResetCode(page: Page, email: string, code: string, t: Text = ZH): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: t.code.title })).toBeVisible();
  const field = page.getByLabel(t.field.email, { exact: true });
  if ((await field.inputValue()) !== email) await field.fill(email);
  await page.getByLabel(t.field.code, { exact: true }).fill(code);
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith("/api/trpc/") && r.url().includes("auth.passwordReset.verify"));
  await page.getByRole("button", { name: t.code.submit, exact: true }).click();
  await answered;
}

/** Opens the newest reset email's link from the mailbox (once `count` have arrived), the way a person clicks it. */
export async function openNewestResetLink(page: Page, email: string, t: Text = ZH, count = 1) {
  const mails = await mailsTo(page, email, t.mailbox.resetSubject, count, t);
  const link = resetLinkIn(mails.first());
  const href = (await link.getAttribute("href")) ?? "";
  const response = page.waitForResponse((r) => r.request().isNavigationRequest() && new URL(r.url()).pathname === "/reset-password");
  await link.click();
  return { href, response: await response };
}

/**
 * The reset page's form, once `verify` said the link (or, `via: "code"`, the address and code) is good: who it
 * is for, and the countdown.
 */
export async function expectValidResetPage(page: Page, account: Account, t: Text = ZH, via: "link" | "code" = "link"): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: t.reset.title })).toBeVisible();
  await expect(page.getByText(t.reset.for(account.username, masked(account.email)), { exact: true })).toBeVisible();
  await expect(page.getByText(account.email)).toHaveCount(0);
  await expect(page.getByText(via === "code" ? t.reset.codeExpiresIn : t.reset.expiresIn)).toBeVisible();
  await expect(page.getByLabel(t.field.newPassword, { exact: true })).toBeVisible();
}

/** A dead link: its specific message, announced, and the way forward to a new link. */
export async function expectDeadLink(page: Page, message: string, t: Text = ZH): Promise<void> {
  const alert = page.getByRole("alert").filter({ hasText: message });
  await expect(alert).toBeVisible();
  await expect(alert.getByRole("link", { name: t.reset.requestNew })).toHaveAttribute("href", "/forgot-password");
  await expect(page.getByLabel(t.field.newPassword, { exact: true })).toHaveCount(0);
}

/** One line of the live password rules. */
export function rule(page: Page, name: string | RegExp): Locator {
  return page.getByRole("listitem").filter({ hasText: name });
}

/** Types a new password twice, waits until every rule shows as met, and submits. */
export async function chooseNewPassword(page: Page, password: string, t: Text = ZH): Promise<void> {
  await page.getByLabel(t.field.newPassword, { exact: true }).fill(password);
  await page.getByLabel(t.field.confirmPassword, { exact: true }).fill(password);
  for (const name of [t.rules.length, t.rules.common, t.rules.match]) {
    await expect(rule(page, name)).toContainText(`: ${t.rules.met}`);
  }
  await page.getByRole("button", { name: t.reset.submit }).click();
  await expect(page.getByRole("status").filter({ hasText: t.reset.done })).toBeVisible();
}
