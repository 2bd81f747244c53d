// The session-auth API's client: one method per operation of openapi.yaml, typed by the types
// openapi-typescript generates from it (src/schema.ts), over openapi-fetch. What every app would
// otherwise write by hand lives here once:
//   - cookie transport (browsers): credentials included; the CSRF token fetched from GET /auth/csrf, sent
//     as X-CSRFToken on every unsafe call, fetched again after login, reauthentication and a password
//     change (they rotate it), and once more when a call answers csrf_failed;
//   - header transport (mobile apps, scripts): the session token in X-Session-Token, the newest one any
//     response hands back kept in a pluggable storage (memory by default; secure storage on a phone);
//   - errors in the contract's shape as ApiError (code, detail, fields), ReauthenticationRequiredError
//     when a call needs a recent password proof (step-up);
//   - 429 and 503 retried after their Retry-After, a bounded number of times and for a bounded wait.
import createClient from "openapi-fetch";
export function memoryTokenStorage(initial = null) {
    let token = initial;
    return {
        get: () => token,
        set: (value) => {
            token = value;
        },
    };
}
/** An answer outside 2xx, in the contract's error shape. */
export class ApiError extends Error {
    status;
    code;
    detail;
    fields;
    /** Seconds the service asked to wait (429, 503), when it said. */
    retryAfter;
    constructor(status, body, retryAfter) {
        const shape = (typeof body === "object" && body !== null ? body : {});
        const code = typeof shape.code === "string" ? shape.code : `http_${status}`;
        const detail = typeof shape.detail === "string" ? shape.detail : "The service answered without details.";
        super(`${status} ${code}: ${detail}`);
        this.name = "ApiError";
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.fields = shape.fields;
        this.retryAfter = retryAfter;
    }
}
/** The call needs a recent password proof: ask for the password, call reauthenticate(), retry. */
export class ReauthenticationRequiredError extends ApiError {
    /** Where to prove the password, and how long a proof counts as recent (seconds). */
    reauthenticate;
    constructor(status, body, retryAfter) {
        super(status, body, retryAfter);
        this.name = "ReauthenticationRequiredError";
        this.reauthenticate = body.reauthenticate ?? { path: "/api/v1/auth/reauthenticate", max_age: 0 };
    }
}
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const TOKEN_HEADER = "X-Session-Token";
function retryAfterOf(response) {
    const value = Number(response.headers.get("Retry-After"));
    return response.headers.has("Retry-After") && Number.isFinite(value) && value >= 0 ? value : undefined;
}
function errorOf(response, body) {
    const retryAfter = retryAfterOf(response);
    if (body?.code === "reauthentication_required") {
        return new ReauthenticationRequiredError(response.status, body, retryAfter);
    }
    return new ApiError(response.status, body, retryAfter);
}
function unwrap(outcome) {
    if (outcome.error !== undefined || !outcome.response.ok)
        throw errorOf(outcome.response, outcome.error);
    return outcome.data;
}
export class SessionClient {
    transport;
    baseUrl;
    tokens;
    fetchImpl;
    retries;
    maxRetryWait;
    api;
    csrfToken = null;
    constructor(options) {
        this.baseUrl = options.baseUrl.replace(/\/+$/, "");
        this.transport = options.transport ?? "cookie";
        this.tokens = options.tokenStorage ?? memoryTokenStorage();
        const fetchImpl = options.fetch ?? globalThis.fetch;
        this.fetchImpl = (input, init) => fetchImpl(input, init);
        this.retries = options.retries ?? 2;
        this.maxRetryWait = options.maxRetryWaitSeconds ?? 5;
        this.api = createClient({ baseUrl: this.baseUrl, fetch: (request) => this.send(request) });
    }
    // --- The transport ------------------------------------------------------------------------------
    /** Send one call: its credential, CSRF and retries (openapi-fetch calls this for every operation). */
    async send(request) {
        let csrfRefetched = false;
        for (let attempt = 0;; attempt += 1) {
            const response = await this.sendOnce(request.clone());
            if (this.transport === "cookie" && response.status === 403 && !csrfRefetched) {
                const body = (await response.clone().json().catch(() => null));
                if (body?.code === "csrf_failed") {
                    csrfRefetched = true; // the token went stale (another tab logged in): once more with a fresh one
                    this.csrfToken = null;
                    attempt -= 1;
                    continue;
                }
            }
            const wait = retryAfterOf(response);
            const retryable = response.status === 429 || response.status === 503;
            if (!retryable || attempt >= this.retries || wait === undefined || wait > this.maxRetryWait) {
                return response;
            }
            await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        }
    }
    async sendOnce(request) {
        const headers = new Headers(request.headers);
        if (this.transport === "cookie") {
            if (UNSAFE.has(request.method))
                headers.set("X-CSRFToken", await this.csrf());
        }
        else {
            headers.set(TOKEN_HEADER, (await this.tokens.get()) ?? ""); // empty: a new anonymous session
        }
        const body = request.body === null ? null : await request.arrayBuffer();
        const response = await this.fetchImpl(request.url, {
            method: request.method,
            headers,
            body,
            credentials: this.transport === "cookie" ? "include" : "omit",
        });
        const renewed = response.headers.get(TOKEN_HEADER);
        if (this.transport === "header" && renewed)
            await this.tokens.set(renewed); // always keep the newest
        return response;
    }
    async csrf() {
        if (this.csrfToken === null)
            this.csrfToken = await this.authCsrf();
        return this.csrfToken;
    }
    // --- auth -----------------------------------------------------------------------------------
    /** GET /auth/csrf: the CSRF token (the cookie transport fetches and sends it by itself). */
    async authCsrf() {
        const response = await this.fetchImpl(`${this.baseUrl}/api/v1/auth/csrf`, { credentials: "include" });
        const body = await response.json();
        if (!response.ok)
            throw errorOf(response, body);
        return body.csrf_token;
    }
    /** POST /auth/login on this client's transport; keeps the token (header) or refetches CSRF (cookie). */
    async authLogin(credentials) {
        const login = unwrap(await this.api.POST("/api/v1/auth/login", { body: { ...credentials, transport: this.transport } }));
        if (this.transport === "header" && login.session_token)
            await this.tokens.set(login.session_token);
        this.csrfToken = null; // login rotated it
        return login;
    }
    /** POST /auth/logout: ends the session (a second logout is fine) and forgets its token. */
    async authLogout() {
        unwrap(await this.api.POST("/api/v1/auth/logout"));
        if (this.transport === "header")
            await this.tokens.set(null);
        this.csrfToken = null;
    }
    /** GET /auth/session: who am I, and the session (privileged_until says until when revoking needs no password). */
    async authSession() {
        return unwrap(await this.api.GET("/api/v1/auth/session"));
    }
    /** POST /auth/reauthenticate: prove the password again (step-up); the session gets a new key. */
    async authReauthenticate(password) {
        const proved = unwrap(await this.api.POST("/api/v1/auth/reauthenticate", { body: { password } }));
        this.csrfToken = null; // rotated
        return proved;
    }
    /** POST /auth/password: every other session ends; this one goes on under a new key. */
    async authPasswordChange(change) {
        unwrap(await this.api.POST("/api/v1/auth/password", { body: change }));
        this.csrfToken = null;
    }
    /** POST /auth/register: creates a user (not logged in). */
    async authRegister(user) {
        return unwrap(await this.api.POST("/api/v1/auth/register", { body: user })).user;
    }
    /** GET /health: whether the stores answer (a 503 is an ApiError). */
    async health() {
        return unwrap(await this.api.GET("/api/v1/health"));
    }
    // --- session data ---------------------------------------------------------------------------
    async sessionDataList() {
        return unwrap(await this.api.GET("/api/v1/session/data")).data;
    }
    async sessionDataClear() {
        unwrap(await this.api.DELETE("/api/v1/session/data"));
    }
    async sessionDataGet(key) {
        return unwrap(await this.api.GET("/api/v1/session/data/{key}", { params: { path: { key } } })).value;
    }
    /** PUT /session/data/{key}; returns whether the key is new. */
    async sessionDataSet(key, value) {
        const outcome = await this.api.PUT("/api/v1/session/data/{key}", {
            params: { path: { key } },
            body: { value },
        });
        unwrap(outcome);
        return { created: outcome.response.status === 201 };
    }
    async sessionDataDelete(key) {
        unwrap(await this.api.DELETE("/api/v1/session/data/{key}", { params: { path: { key } } }));
    }
    // --- expiry and the cookie check ------------------------------------------------------------
    async sessionExpiryGet() {
        return unwrap(await this.api.GET("/api/v1/session/expiry"));
    }
    /** PUT /session/expiry with exactly one of seconds, expires_at, browser_close, default. */
    async sessionExpirySet(expiry) {
        return unwrap(await this.api.PUT("/api/v1/session/expiry", { body: expiry }));
    }
    async sessionTestCookieSet() {
        unwrap(await this.api.POST("/api/v1/session/test-cookie"));
    }
    async sessionTestCookieCheck() {
        return unwrap(await this.api.GET("/api/v1/session/test-cookie")).cookies_accepted;
    }
    async sessionTestCookieDelete() {
        unwrap(await this.api.DELETE("/api/v1/session/test-cookie"));
    }
    // --- my sessions ----------------------------------------------------------------------------
    async sessionsList() {
        return unwrap(await this.api.GET("/api/v1/sessions")).sessions;
    }
    /** PATCH /sessions/{id}: a name of 1-64 printable characters, or null to remove it. */
    async sessionsRename(sessionId, name) {
        return unwrap(await this.api.PATCH("/api/v1/sessions/{session_id}", {
            params: { path: { session_id: sessionId } },
            body: { name },
        }));
    }
    /** DELETE /sessions/{id} (needs a recent password proof: ReauthenticationRequiredError). */
    async sessionsRevoke(sessionId) {
        unwrap(await this.api.DELETE("/api/v1/sessions/{session_id}", { params: { path: { session_id: sessionId } } }));
    }
    /** POST /sessions/revoke-others; returns how many ended (needs a recent password proof). */
    async sessionsRevokeOthers() {
        return unwrap(await this.api.POST("/api/v1/sessions/revoke-others")).revoked;
    }
    // --- staff ----------------------------------------------------------------------------------
    async staffSessionsList(query = {}) {
        return unwrap(await this.api.GET("/api/v1/admin/sessions", { params: { query } }));
    }
    async staffSessionsClearExpired() {
        return unwrap(await this.api.POST("/api/v1/admin/sessions/clear-expired")).deleted;
    }
    /** POST /admin/sessions/revoke: up to 500 ids; returns how many ended (needs a recent password proof). */
    async staffSessionsRevoke(ids) {
        return unwrap(await this.api.POST("/api/v1/admin/sessions/revoke", { body: { ids } })).revoked;
    }
    /** DELETE /admin/users/{id}/sessions; returns how many ended (needs a recent password proof). */
    async staffUserSessionsRevoke(userId) {
        return unwrap(await this.api.DELETE("/api/v1/admin/users/{user_id}/sessions", { params: { path: { user_id: userId } } })).revoked;
    }
}
/** Run a call that may need a recent password proof: on ReauthenticationRequiredError, get the
 * password from `askPassword` (your dialog), prove it, and run the call once more. */
export async function withStepUp(client, askPassword, call) {
    try {
        return await call();
    }
    catch (error) {
        if (!(error instanceof ReauthenticationRequiredError))
            throw error;
        await client.authReauthenticate(await askPassword());
        return call();
    }
}
