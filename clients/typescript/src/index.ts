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
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];
export type User = Schemas["User"];
export type Session = Schemas["SessionInfo"];
export type SessionOutput = Schemas["SessionOutput"];
export type LoginOutput = Schemas["LoginOutput"];
export type UserSession = Schemas["UserSession"];
export type StaffSession = Schemas["StaffSession"];
export type StaffSessionList = Schemas["StaffSessionList"];
export type Device = Schemas["Device"];
export type Expiry = Schemas["ExpiryOutput"];
export type ExpiryInput = Schemas["ExpiryInputRequest"];
export type DataItem = Schemas["DataItem"];
export type Health = Schemas["Health"];
export type Transport = "cookie" | "header";

/** Where the header transport keeps its session token (React Native: wrap the platform's secure storage). */
export interface TokenStorage {
  get(): string | null | Promise<string | null>;
  set(token: string | null): void | Promise<void>;
}

export function memoryTokenStorage(initial: string | null = null): TokenStorage {
  let token = initial;
  return {
    get: () => token,
    set: (value) => {
      token = value;
    },
  };
}

export interface SessionClientOptions {
  /** The service's origin, e.g. "https://api.example.com" (the paths start with /api/v1). */
  baseUrl: string;
  /** "cookie" (default) for browsers, "header" for everything else. */
  transport?: Transport;
  /** Header transport: where the token lives. Default: in memory. */
  tokenStorage?: TokenStorage;
  /** The fetch to use (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** How many times a 429 or 503 is retried after its Retry-After (default 2). */
  retries?: number;
  /** A longer Retry-After is not waited for: the ApiError carries it (default 5 seconds). */
  maxRetryWaitSeconds?: number;
}

/** An answer outside 2xx, in the contract's error shape. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: Record<string, string[]> | undefined;
  /** Seconds the service asked to wait (429, 503), when it said. */
  readonly retryAfter: number | undefined;

  constructor(status: number, body: unknown, retryAfter: number | undefined) {
    const shape = (typeof body === "object" && body !== null ? body : {}) as Partial<Schemas["Error"]>;
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
  readonly reauthenticate: Schemas["Reauthenticate"];

  constructor(status: number, body: Schemas["StepUpError"], retryAfter: number | undefined) {
    super(status, body, retryAfter);
    this.name = "ReauthenticationRequiredError";
    this.reauthenticate = body.reauthenticate ?? { path: "/api/v1/auth/reauthenticate", max_age: 0 };
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const TOKEN_HEADER = "X-Session-Token";

function retryAfterOf(response: Response): number | undefined {
  const value = Number(response.headers.get("Retry-After"));
  return response.headers.has("Retry-After") && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function errorOf(response: Response, body: unknown): ApiError {
  const retryAfter = retryAfterOf(response);
  if ((body as { code?: unknown } | undefined)?.code === "reauthentication_required") {
    return new ReauthenticationRequiredError(response.status, body as Schemas["StepUpError"], retryAfter);
  }
  return new ApiError(response.status, body, retryAfter);
}

/** What openapi-fetch returns: the parsed body on success, the parsed error otherwise. */
interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.error !== undefined || !outcome.response.ok) throw errorOf(outcome.response, outcome.error);
  return outcome.data as T;
}

export class SessionClient {
  readonly transport: Transport;
  private readonly baseUrl: string;
  private readonly tokens: TokenStorage;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly retries: number;
  private readonly maxRetryWait: number;
  private readonly api;
  private csrfToken: string | null = null;

  constructor(options: SessionClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.transport = options.transport ?? "cookie";
    this.tokens = options.tokenStorage ?? memoryTokenStorage();
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.retries = options.retries ?? 2;
    this.maxRetryWait = options.maxRetryWaitSeconds ?? 5;
    this.api = createClient<paths>({ baseUrl: this.baseUrl, fetch: (request) => this.send(request) });
  }

  // --- The transport ------------------------------------------------------------------------------

  /** Send one call: its credential, CSRF and retries (openapi-fetch calls this for every operation). */
  private async send(request: Request): Promise<Response> {
    let csrfRefetched = false;
    for (let attempt = 0; ; attempt += 1) {
      const response = await this.sendOnce(request.clone());
      if (this.transport === "cookie" && response.status === 403 && !csrfRefetched) {
        const body = (await response.clone().json().catch(() => null)) as { code?: string } | null;
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

  private async sendOnce(request: Request): Promise<Response> {
    const headers = new Headers(request.headers);
    if (this.transport === "cookie") {
      if (UNSAFE.has(request.method)) headers.set("X-CSRFToken", await this.csrf());
    } else {
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
    if (this.transport === "header" && renewed) await this.tokens.set(renewed); // always keep the newest
    return response;
  }

  private async csrf(): Promise<string> {
    if (this.csrfToken === null) this.csrfToken = await this.authCsrf();
    return this.csrfToken;
  }

  // --- auth -----------------------------------------------------------------------------------

  /** GET /auth/csrf: the CSRF token (the cookie transport fetches and sends it by itself). */
  async authCsrf(): Promise<string> {
    const response = await this.fetchImpl(`${this.baseUrl}/api/v1/auth/csrf`, { credentials: "include" });
    const body: unknown = await response.json();
    if (!response.ok) throw errorOf(response, body);
    return (body as Schemas["CsrfOutput"]).csrf_token;
  }

  /** POST /auth/login on this client's transport; keeps the token (header) or refetches CSRF (cookie). */
  async authLogin(credentials: { username: string; password: string }): Promise<LoginOutput> {
    const login = unwrap(
      await this.api.POST("/api/v1/auth/login", { body: { ...credentials, transport: this.transport } }),
    );
    if (this.transport === "header" && login.session_token) await this.tokens.set(login.session_token);
    this.csrfToken = null; // login rotated it
    return login;
  }

  /** POST /auth/logout: ends the session (a second logout is fine) and forgets its token. */
  async authLogout(): Promise<void> {
    unwrap(await this.api.POST("/api/v1/auth/logout"));
    if (this.transport === "header") await this.tokens.set(null);
    this.csrfToken = null;
  }

  /** GET /auth/session: who am I, and the session (privileged_until says until when revoking needs no password). */
  async authSession(): Promise<SessionOutput> {
    return unwrap(await this.api.GET("/api/v1/auth/session"));
  }

  /** POST /auth/reauthenticate: prove the password again (step-up); the session gets a new key. */
  async authReauthenticate(password: string): Promise<SessionOutput> {
    const proved = unwrap(await this.api.POST("/api/v1/auth/reauthenticate", { body: { password } }));
    this.csrfToken = null; // rotated
    return proved;
  }

  /** POST /auth/password: every other session ends; this one goes on under a new key. */
  async authPasswordChange(change: { current_password: string; new_password: string }): Promise<void> {
    unwrap(await this.api.POST("/api/v1/auth/password", { body: change }));
    this.csrfToken = null;
  }

  /** POST /auth/register: creates a user (not logged in). */
  async authRegister(user: { username: string; password: string; email?: string }): Promise<User> {
    return unwrap(await this.api.POST("/api/v1/auth/register", { body: user })).user;
  }

  /** GET /health: whether the stores answer (a 503 is an ApiError). */
  async health(): Promise<Health> {
    return unwrap(await this.api.GET("/api/v1/health"));
  }

  // --- session data ---------------------------------------------------------------------------

  async sessionDataList(): Promise<Record<string, unknown>> {
    return unwrap(await this.api.GET("/api/v1/session/data")).data;
  }

  async sessionDataClear(): Promise<void> {
    unwrap(await this.api.DELETE("/api/v1/session/data"));
  }

  async sessionDataGet(key: string): Promise<unknown> {
    return unwrap(await this.api.GET("/api/v1/session/data/{key}", { params: { path: { key } } })).value;
  }

  /** PUT /session/data/{key}; returns whether the key is new. */
  async sessionDataSet(key: string, value: unknown): Promise<{ created: boolean }> {
    const outcome = await this.api.PUT("/api/v1/session/data/{key}", {
      params: { path: { key } },
      body: { value },
    });
    unwrap(outcome);
    return { created: outcome.response.status === 201 };
  }

  async sessionDataDelete(key: string): Promise<void> {
    unwrap(await this.api.DELETE("/api/v1/session/data/{key}", { params: { path: { key } } }));
  }

  // --- expiry and the cookie check ------------------------------------------------------------

  async sessionExpiryGet(): Promise<Expiry> {
    return unwrap(await this.api.GET("/api/v1/session/expiry"));
  }

  /** PUT /session/expiry with exactly one of seconds, expires_at, browser_close, default. */
  async sessionExpirySet(expiry: ExpiryInput): Promise<Expiry> {
    return unwrap(await this.api.PUT("/api/v1/session/expiry", { body: expiry }));
  }

  async sessionTestCookieSet(): Promise<void> {
    unwrap(await this.api.POST("/api/v1/session/test-cookie"));
  }

  async sessionTestCookieCheck(): Promise<boolean> {
    return unwrap(await this.api.GET("/api/v1/session/test-cookie")).cookies_accepted;
  }

  async sessionTestCookieDelete(): Promise<void> {
    unwrap(await this.api.DELETE("/api/v1/session/test-cookie"));
  }

  // --- my sessions ----------------------------------------------------------------------------

  async sessionsList(): Promise<UserSession[]> {
    return unwrap(await this.api.GET("/api/v1/sessions")).sessions;
  }

  /** PATCH /sessions/{id}: a name of 1-64 printable characters, or null to remove it. */
  async sessionsRename(sessionId: string, name: string | null): Promise<UserSession> {
    return unwrap(
      await this.api.PATCH("/api/v1/sessions/{session_id}", {
        params: { path: { session_id: sessionId } },
        body: { name },
      }),
    );
  }

  /** DELETE /sessions/{id} (needs a recent password proof: ReauthenticationRequiredError). */
  async sessionsRevoke(sessionId: string): Promise<void> {
    unwrap(
      await this.api.DELETE("/api/v1/sessions/{session_id}", { params: { path: { session_id: sessionId } } }),
    );
  }

  /** POST /sessions/revoke-others; returns how many ended (needs a recent password proof). */
  async sessionsRevokeOthers(): Promise<number> {
    return unwrap(await this.api.POST("/api/v1/sessions/revoke-others")).revoked;
  }

  // --- staff ----------------------------------------------------------------------------------

  async staffSessionsList(query: { user?: number; cursor?: string } = {}): Promise<StaffSessionList> {
    return unwrap(await this.api.GET("/api/v1/admin/sessions", { params: { query } }));
  }

  async staffSessionsClearExpired(): Promise<number> {
    return unwrap(await this.api.POST("/api/v1/admin/sessions/clear-expired")).deleted;
  }

  /** POST /admin/sessions/revoke: up to 500 ids; returns how many ended (needs a recent password proof). */
  async staffSessionsRevoke(ids: string[]): Promise<number> {
    return unwrap(await this.api.POST("/api/v1/admin/sessions/revoke", { body: { ids } })).revoked;
  }

  /** DELETE /admin/users/{id}/sessions; returns how many ended (needs a recent password proof). */
  async staffUserSessionsRevoke(userId: number): Promise<number> {
    return unwrap(
      await this.api.DELETE("/api/v1/admin/users/{user_id}/sessions", { params: { path: { user_id: userId } } }),
    ).revoked;
  }
}

/** Run a call that may need a recent password proof: on ReauthenticationRequiredError, get the
 * password from `askPassword` (your dialog), prove it, and run the call once more. */
export async function withStepUp<T>(
  client: SessionClient,
  askPassword: () => Promise<string>,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ReauthenticationRequiredError)) throw error;
    await client.authReauthenticate(await askPassword());
    return call();
  }
}
