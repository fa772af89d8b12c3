/** Types for sign.mjs (the example stays plain JavaScript so it runs on Node without a build). */
export declare const JWT_LIFETIME_S: number;
export declare function signJwt(user: { id: string; name?: string | null; email?: string | null }, secret: string, nowMs?: number): string;
export declare function userHash(userId: string, secret: string): string;
