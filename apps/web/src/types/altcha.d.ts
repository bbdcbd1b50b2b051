// Side-effect import that registers the zh-CN strings with the widget; it ships no types.
declare module "altcha/i18n/zh-cn";
