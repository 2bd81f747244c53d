// The built client (dist/) against a live service, on the header transport: Node has no cookie jar, so
// the cookie transport is tested in Chromium (tests/browser/test_typescript_sdk.py).
// tests/clients/test_typescript_sdk.py starts the service (REAUTH_MAX_AGE=2, a login throttle of 2
// failures per 2 seconds) and a staff user, and runs this with API_URL, STAFF_USERNAME and PASSWORD set.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import {
  ApiError,
  ReauthenticationRequiredError,
  SessionClient,
  memoryTokenStorage,
  withStepUp,
} from "../dist/index.js";

const API_URL = process.env.API_URL;
const PASSWORD = process.env.PASSWORD;
const STAFF = process.env.STAFF_USERNAME;
const REAUTH_MAX_AGE = 2;

const client = (options = {}) => new SessionClient({ baseUrl: API_URL, transport: "header", ...options });

// Keep prefixes short: Django's similarity validator refuses PASSWORD for a username that shares enough
// of its letters (it did for "ts-throttle-<uuid>" about one registration in 40).
async function newUser(prefix) {
  const username = `${prefix}-${randomUUID().slice(0, 12)}`;
  await client().authRegister({ username, password: PASSWORD });
  return username;
}

async function signedIn(username, options = {}) {
  const me = client(options);
  await me.authLogin({ username, password: PASSWORD });
  return me;
}

test("a session's whole life: data, expiry, the cookie check, names, revocations, password, logout", async () => {
  const username = await newUser("ts");
  const storage = memoryTokenStorage();
  const me = await signedIn(username, { tokenStorage: storage });
  const first = storage.get();
  assert.ok(first);
  const { user, session } = await me.authSession();
  assert.equal(user.username, username);
  assert.equal(session.transport, "header");
  assert.ok(session.privileged_until);

  assert.deepEqual(await me.sessionDataSet("cart", [1, 2]), { created: true });
  assert.deepEqual(await me.sessionDataSet("cart", [1, 2, 3]), { created: false });
  assert.deepEqual(await me.sessionDataGet("cart"), [1, 2, 3]);
  await me.sessionDataSet("theme", "dark");
  assert.deepEqual(await me.sessionDataList(), { cart: [1, 2, 3], theme: "dark" });
  await me.sessionDataDelete("theme");
  await me.sessionDataClear();
  assert.deepEqual(await me.sessionDataList(), {});

  assert.equal((await me.sessionExpirySet({ seconds: 600 })).policy, "seconds");
  assert.ok((await me.sessionExpiryGet()).expiry_age <= 600);
  await me.sessionTestCookieSet();
  assert.equal(typeof (await me.sessionTestCookieCheck()), "boolean");
  await me.sessionTestCookieDelete();

  const phone = await signedIn(username);
  const phoneId = (await phone.authSession()).session.id;
  const named = await me.sessionsRename(phoneId, "My phone");
  assert.equal(named.name, "My phone");
  assert.deepEqual(Object.keys(named.device).sort(), ["browser", "device", "os"]);
  assert.equal((await me.sessionsList()).length, 2);
  const ask = async () => PASSWORD; // what a dialog would return
  await withStepUp(me, ask, () => me.sessionsRevoke(phoneId));
  await assert.rejects(phone.authSession(), (error) => error instanceof ApiError && error.status === 401);
  await signedIn(username);
  assert.equal(await withStepUp(me, ask, () => me.sessionsRevokeOthers()), 1);

  await me.authPasswordChange({ current_password: PASSWORD, new_password: PASSWORD });
  assert.notEqual(storage.get(), first); // the newest token, from the X-Session-Token response header
  assert.equal((await me.authSession()).user.username, username);
  await me.authLogout();
  assert.equal(storage.get(), null);
  await assert.rejects(me.authSession(), (error) => error.code === "not_authenticated");
});

test("errors come in the contract's shape", async () => {
  const stranger = client();
  await assert.rejects(stranger.authLogin({ username: "nobody-at-all", password: "wrong" }), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "invalid_credentials");
    assert.ok(error.detail);
    return true;
  });
  await assert.rejects(stranger.authRegister({ username: "bad name!", password: "x" }), (error) => {
    assert.equal(error.code, "invalid");
    assert.ok(error.fields.username && error.fields.password);
    return true;
  });
  await assert.rejects(stranger.sessionDataGet("missing"), (error) => error.status === 404);
});

test("a revoke with an old password proof asks for the password; reauthenticating renews the token", async () => {
  const username = await newUser("ts-stepup");
  const storage = memoryTokenStorage();
  const me = await signedIn(username, { tokenStorage: storage });
  const other = await signedIn(username);
  const otherId = (await other.authSession()).session.id;
  await sleep(REAUTH_MAX_AGE * 1000 + 200); // the login's proof grows old
  await assert.rejects(me.sessionsRevoke(otherId), (error) => {
    assert.ok(error instanceof ReauthenticationRequiredError);
    assert.equal(error.status, 403);
    assert.deepEqual(error.reauthenticate, { path: "/api/v1/auth/reauthenticate", max_age: REAUTH_MAX_AGE });
    return true;
  });
  assert.equal((await other.authSession()).user.username, username); // nothing changed
  await assert.rejects(me.authReauthenticate("wrong"), (error) => error.code === "invalid_credentials");
  const before = storage.get();
  const asked = [];
  await withStepUp(
    me,
    async () => {
      asked.push("password");
      return PASSWORD;
    },
    () => me.sessionsRevoke(otherId),
  );
  assert.deepEqual(asked, ["password"]);
  assert.notEqual(storage.get(), before); // the old key is dead; the client kept the new one
  await assert.rejects(other.authSession(), (error) => error.status === 401);
});

test("a 429 is retried after its Retry-After when that is short, and raised with it when not", async () => {
  const username = await newUser("ts-429");
  for (let n = 0; n < 2; n += 1) {
    await assert.rejects(client().authLogin({ username, password: "wrong" }), (error) => error.status === 401);
  }
  await assert.rejects(
    client({ retries: 0 }).authLogin({ username, password: PASSWORD }),
    (error) => error.status === 429 && error.code === "throttled" && error.retryAfter > 0,
  );
  const patient = client({ retries: 3, maxRetryWaitSeconds: 5 });
  assert.equal((await patient.authLogin({ username, password: PASSWORD })).user.username, username);
});

test("staff operations", async () => {
  const staff = await signedIn(STAFF);
  const username = await newUser("ts-staffed");
  const target = await signedIn(username);
  const { user, session } = await target.authSession();
  const listed = await staff.staffSessionsList({ user: user.id });
  assert.deepEqual(
    listed.sessions.map((row) => row.id),
    [session.id],
  );
  assert.ok(listed.sessions[0].device);
  assert.equal(typeof (await staff.staffSessionsClearExpired()), "number");
  const ask = async () => PASSWORD;
  assert.equal(await withStepUp(staff, ask, () => staff.staffSessionsRevoke([session.id, "no-such-session"])), 1);
  await signedIn(username);
  assert.equal(await withStepUp(staff, ask, () => staff.staffUserSessionsRevoke(user.id)), 1);
  assert.equal((await staff.health()).status, "ok");
});
