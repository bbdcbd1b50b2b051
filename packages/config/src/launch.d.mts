export function applyLocationDefaults(): void;
export function listenPort(): { ok: true; port: number } | { ok: false; message: string };
export function operatorsUrl(): string;
