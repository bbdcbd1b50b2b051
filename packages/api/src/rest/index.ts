export { CAPTCHA_CHALLENGE_PATH, handleRestRequest, MAX_BODY_BYTES, REST_PREFIX } from "./handler";
export { buildOpenApiDocument } from "./openapi";
export { REST_ROUTES } from "./routes";
