import config from "@rekey/eslint-config";

export default config;
