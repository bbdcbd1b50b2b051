/**
 * The words a person sees, per language, exactly as the pages and emails print them. Written out here on
 * purpose (not imported from the app): a changed label should fail a test, because it changes what people read.
 */
export type Locale = "zh-CN" | "en";

export interface Text {
  languageGroup: string;
  signInLink: string;
  signUpLink: string;
  home: { title: string; signedOut: string; signedInAs(username: string, email: string): string; signOut: string };
  /** The header's account part, signed in: a group named `account`, reading `signedInAs` + username + email. */
  header: { account: string; signedInAs: string };
  notFound: { title: string; home: string };
  field: { email: string; username: string; account: string; password: string; newPassword: string; confirmPassword: string; code: string };
  show: string;
  captchaVerifying: string;
  emailInvalid: string;
  required: string;
  signIn: { title: string; submit: string; forgot: string; wrong: string; captchaWhy: string; resetDone: string; locked: string };
  signUp: { title: string; submit: string };
  forgot: {
    title: string;
    submit: string;
    sentTitle: string;
    sentBody(email: string, minutes: number): string;
    again: string;
    back: string;
    haveCode: string;
  };
  /** "I have a code" on the forgot page. */
  code: { title: string; submit: string; noCode: string; wrong: string; expired: string; format: string };
  reset: {
    title: string;
    for(username: string, maskedEmail: string): string;
    expiresIn: RegExp;
    submit: string;
    done: RegExp;
    goSignIn: string;
    invalid: string;
    expired: string;
    missing: string;
    requestNew: string;
    mismatch: string;
    rulesUnmet: string;
    codeExpiresIn: RegExp;
    codeInvalid: string;
  };
  /** The page the password-changed email's "this wasn't me" link opens. */
  secure: { title: string; effects: string[]; confirm: string; done: string; invalid: string; expired: string; reset: string };
  rules: { length: RegExp; common: string; match: string; met: string; unmet: string; strength: string };
  mailbox: { title: string; to: string; html: string; resetSubject: string; changedSubject: string; codeIntro: string };
}

export const TEXT: Record<Locale, Text> = {
  "zh-CN": {
    languageGroup: "语言",
    signInLink: "登录",
    signUpLink: "注册",
    home: {
      title: "账户",
      signedOut: "您尚未登录。",
      signedInAs: (username, email) => `已登录：${username}（${email}）`,
      signOut: "退出登录",
    },
    header: { account: "账户", signedInAs: "已登录：" },
    notFound: { title: "页面不存在", home: "返回首页" },
    field: {
      email: "邮箱",
      username: "用户名",
      account: "邮箱或用户名",
      password: "密码",
      newPassword: "新密码",
      confirmPassword: "确认密码",
      code: "验证码",
    },
    show: "显示",
    captchaVerifying: "正在进行人机验证，请稍候…",
    emailInvalid: "请输入有效的邮箱地址",
    required: "此项为必填",
    signIn: {
      title: "登录",
      submit: "登录",
      forgot: "忘记密码？",
      wrong: "账号或密码错误",
      captchaWhy: "该账户最近登录失败次数较多。为保护账户，登录前需要通过下方的人机验证（自动进行，约需一秒）。",
      resetDone: "密码已修改。请使用新密码登录。",
      locked: "此账号已被锁定：您报告过一次不是您本人进行的密码修改。请重置密码后再使用此账号。",
    },
    signUp: { title: "注册", submit: "创建账户" },
    forgot: {
      title: "找回密码",
      submit: "发送重置链接",
      sentTitle: "请查收邮件",
      sentBody: (email, minutes) => `如果 ${email} 已注册，重置链接已发送到该邮箱，${minutes} 分钟内有效。没有收到？请检查垃圾邮件，或稍后再试。`,
      again: "重新发送",
      back: "返回登录",
      haveCode: "我有验证码",
    },
    code: {
      title: "使用验证码重置密码",
      submit: "继续",
      noCode: "重新申请重置邮件",
      wrong: "验证码错误或已失效。请核对邮件中的验证码；如果仍然不行，请重新申请重置邮件。",
      expired: "验证码已过期。请重新申请重置邮件。",
      format: "请输入邮件中的 8 位数字验证码",
    },
    reset: {
      title: "重置密码",
      for: (username, maskedEmail) => `为 ${username}（${maskedEmail}）设置新密码`,
      expiresIn: /^链接将在 (\d+):(\d\d) 后失效$/,
      submit: "设置新密码",
      done: /密码已重置。请使用新密码登录，\d+ 秒后跳转到登录页…/,
      goSignIn: "立即登录",
      invalid: "此链接无效或已被使用。",
      expired: "此链接已过期。",
      missing: "链接中缺少令牌，请从邮件中重新打开链接。",
      requestNew: "重新申请重置链接",
      mismatch: "两次输入的密码不一致",
      rulesUnmet: "新密码未满足上面列出的要求",
      codeExpiresIn: /^验证码将在 (\d+):(\d\d) 后失效$/,
      codeInvalid: "此验证码无效或已被使用。",
    },
    secure: {
      title: "保护账号",
      effects: ["所有设备上的登录将立即退出；", "密码登录将被锁定，直到您通过找回密码设置新密码；", "所有尚未使用的重置链接和验证码将作废。"],
      confirm: "确认保护账号",
      done: "账号已保护：所有登录已退出，密码登录已锁定。请设置新密码，以便重新使用账号。",
      invalid: "此链接无效或已被使用。如果密码不是您本人修改的，请通过找回密码设置新密码。",
      expired: "此链接已过期（7 天内有效）。如果密码不是您本人修改的，请立即通过找回密码设置新密码。",
      reset: "重置密码",
    },
    rules: { length: /至少 \d+ 个字符/, common: "不是常见密码", match: "两次输入一致", met: "已满足", unmet: "未满足", strength: "强度" },
    mailbox: {
      title: "开发邮箱",
      to: "收件人",
      html: "HTML 预览",
      resetSubject: "重置您的 Rekey 密码",
      changedSubject: "您的 Rekey 密码已修改",
      codeIntro: "在另一台设备上？在找回密码页面选择“我有验证码”，输入您的邮箱和以下验证码：",
    },
  },
  en: {
    languageGroup: "Language",
    signInLink: "Sign in",
    signUpLink: "Sign up",
    home: {
      title: "Account",
      signedOut: "You are not signed in.",
      signedInAs: (username, email) => `Signed in as ${username} (${email})`,
      signOut: "Sign out",
    },
    header: { account: "Account", signedInAs: "Signed in as " },
    notFound: { title: "Page not found", home: "Go to the home page" },
    field: {
      email: "Email",
      username: "Username",
      account: "Email or username",
      password: "Password",
      newPassword: "New password",
      confirmPassword: "Confirm password",
      code: "Code",
    },
    show: "Show",
    captchaVerifying: "Running a quick human check…",
    emailInvalid: "Enter a valid email address",
    required: "This field is required",
    signIn: {
      title: "Sign in",
      submit: "Sign in",
      forgot: "Forgot password?",
      wrong: "Incorrect account or password",
      captchaWhy:
        "This account has had several failed sign-ins. To protect it, a quick human check below must pass before you sign in (it runs by itself in about a second).",
      resetDone: "Your password was changed. Sign in with your new password.",
      locked: "This account was locked after you reported a password change you did not make. Reset your password to use it again.",
    },
    signUp: { title: "Sign up", submit: "Create account" },
    forgot: {
      title: "Forgot your password?",
      submit: "Send reset link",
      sentTitle: "Check your email",
      sentBody: (email, minutes) =>
        `If ${email} has an account, a reset link is on its way, valid for ${minutes} minutes. Nothing arrived? Check your spam folder, or try again later.`,
      again: "Send again",
      back: "Back to sign in",
      haveCode: "I have a code",
    },
    code: {
      title: "Reset with a code",
      submit: "Continue",
      noCode: "Ask for a new email",
      wrong: "This code is wrong or no longer valid. Check it against the email; if it still does not work, ask for a new email.",
      expired: "This code has expired. Ask for a new email.",
      format: "Enter the 8-digit code from the email",
    },
    reset: {
      title: "Reset your password",
      for: (username, maskedEmail) => `Choose a new password for ${username} (${maskedEmail})`,
      expiresIn: /^This link expires in (\d+):(\d\d)$/,
      submit: "Set new password",
      done: /Your password has been reset\. Sign in with your new password; taking you there in \d+ s…/,
      goSignIn: "Sign in now",
      invalid: "This link is invalid or has already been used.",
      expired: "This link has expired.",
      missing: "The link has no token. Open it again from your email.",
      requestNew: "Request a new link",
      mismatch: "The passwords do not match",
      rulesUnmet: "The new password does not meet the requirements listed above",
      codeExpiresIn: /^This code expires in (\d+):(\d\d)$/,
      codeInvalid: "This code is invalid or has already been used.",
    },
    secure: {
      title: "Secure your account",
      effects: [
        "sign out every session, on every device, at once;",
        "lock sign-in with a password until you reset the password;",
        "cancel every reset link and code not used yet.",
      ],
      confirm: "Secure my account",
      done: "Your account is secured: every session was signed out and password sign-in is locked. Reset your password to use the account again.",
      invalid: "This link is invalid or has already been used. If you did not change your password, reset it.",
      expired: "This link has expired (it works for 7 days). If you did not change your password, reset it now.",
      reset: "Reset your password",
    },
    rules: {
      length: /At least \d+ characters/,
      common: "Not a common password",
      match: "Both entries match",
      met: "met",
      unmet: "not met",
      strength: "Strength",
    },
    mailbox: {
      title: "Development mailbox",
      to: "To",
      html: "HTML preview",
      resetSubject: "Reset your Rekey password",
      changedSubject: "Your Rekey password was changed",
      codeIntro: "On another device? Choose “I have a code” on the forgot-password page and enter your email address and this code:",
    },
  },
};
