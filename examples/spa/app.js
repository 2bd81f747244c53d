// The demo SPA: every call to the API goes through api() below. Three rules make a cross-origin SPA work
// with a session-cookie API:
//   1. fetch(..., {credentials: "include"}), so the browser sends and keeps the API's cookies;
//   2. every unsafe request (POST, PUT, DELETE) carries the CSRF token in the X-CSRFToken header, taken
//      from the body of GET /auth/csrf (this page never reads cookies: the session cookie is HttpOnly,
//      and on a real deployment the API's cookies belong to another host);
//   3. login rotates the CSRF token, so fetch a new one right after logging in (and after reauthenticating).
// Revoking sessions needs a recent password proof (step-up): withStepUp() below asks for the password
// when the API answers 403 reauthentication_required, proves it, and retries once.
"use strict";

const API_ORIGIN = (new URLSearchParams(location.search).get("api") || "http://localhost:8000").replace(/\/+$/, "");
const API = API_ORIGIN + "/api/v1";

let csrfToken = null;

class ApiError extends Error {
  constructor(status, body) {
    super(`${status} ${body?.code ?? ""}: ${body?.detail ?? "no details"}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!["GET", "HEAD"].includes(method)) {
    if (csrfToken === null) await refreshCsrfToken();
    headers["X-CSRFToken"] = csrfToken;
  }
  const response = await fetch(API + path, {
    method,
    headers,
    credentials: "include",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

async function refreshCsrfToken() {
  csrfToken = (await api("GET", "/auth/csrf")).csrf_token;
}

// Run a call that may need a recent password proof; on reauthentication_required, ask for the
// password, prove it (a new session key and CSRF token), then run the call again.
async function withStepUp(run) {
  try {
    return await run();
  } catch (error) {
    if (error.body?.code !== "reauthentication_required") throw error;
    await api("POST", "/auth/reauthenticate", { password: await askPassword() });
    await refreshCsrfToken(); // reauthenticating rotated it, as login does
    return run();
  }
}

// Show the password dialog; resolve with what was typed, or reject when it is cancelled.
function askPassword() {
  const dialog = $("#reauth");
  dialog.querySelector("form").reset();
  dialog.showModal();
  return new Promise((resolve, reject) => {
    dialog.addEventListener(
      "close",
      () => {
        const password = dialog.querySelector("input").value;
        if (dialog.returnValue === "confirm") resolve(password);
        else reject(new Error("cancelled: the password was not given."));
      },
      { once: true },
    );
  });
}

// --- Small helpers for the page -----------------------------------------------------------------

const $ = (selector) => document.querySelector(selector);

function say(text, isError = false) {
  $("#message").textContent = text;
  $("#message").className = isError ? "error" : "";
}

function cell(content) {
  const td = document.createElement("td");
  if (content instanceof Node) td.append(content);
  else td.textContent = content ?? "";
  return td;
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");

// Run an action from a button or form: show what happened, or the API's error, then redraw the page.
function action(run) {
  return async (event) => {
    event?.preventDefault();
    try {
      say((await run()) ?? "Done.");
    } catch (error) {
      say(`Error ${error.message}`, true);
    }
    await refresh();
  };
}

// --- Drawing the page from the API's answers ----------------------------------------------------

async function showWhoAmI() {
  try {
    const { user, session } = await api("GET", "/auth/session");
    $("#whoami").textContent = `Signed in as ${user.username} (session ${session.id}, ${session.engine} engine)`;
    const privileged = new Date(session.privileged_until) > new Date();
    $("#privileged").textContent = privileged
      ? `Password proved at ${when(session.authenticated_at)}: revoking sessions needs no password until ${when(session.privileged_until)}.`
      : `Password proved at ${when(session.authenticated_at)}: revoking sessions will ask for it again.`;
    return true;
  } catch (error) {
    if (error.status !== 401) throw error;
    $("#whoami").textContent = "Not signed in";
    $("#privileged").textContent = "";
    return false;
  }
}

async function showData() {
  const { data } = await api("GET", "/session/data");
  const rows = Object.entries(data).map(([key, value]) => {
    const tr = document.createElement("tr");
    tr.append(
      cell(key),
      cell(JSON.stringify(value)),
      cell(button(`Edit ${key}`, () => editData(key, value))),
      cell(button(`Delete ${key}`, action(() => deleteData(key)))),
    );
    return tr;
  });
  $("#data tbody").replaceChildren(...rows);
}

async function showExpiry() {
  const expiry = await api("GET", "/session/expiry");
  $("#expiry").textContent = expiry.expire_at_browser_close
    ? `Policy: ${expiry.policy}; the session ends when the browser closes.`
    : `Policy: ${expiry.policy}; expires in ${expiry.expiry_age} s, at ${when(expiry.expiry_date)}.`;
}

async function showSessions(signedIn) {
  const sessions = signedIn ? (await api("GET", "/sessions")).sessions : [];
  const rows = sessions.map((s) => {
    const tr = document.createElement("tr");
    const revoke = button("Revoke", action(() => revokeSession(s.id)));
    revoke.setAttribute("aria-label", `Revoke session ${s.id}`);
    revoke.disabled = s.current; // log out instead
    const name = document.createElement("input");
    name.value = s.name ?? "";
    name.setAttribute("aria-label", `Name of session ${s.id}`);
    const rename = button("Rename", action(() => renameSession(s.id, name.value)));
    rename.setAttribute("aria-label", `Rename session ${s.id}`);
    const device = `${s.device.browser} on ${s.device.os}` + (s.new_device ? " (new device)" : "");
    tr.append(
      cell(s.id),
      cell(s.current ? "yes" : ""),
      cell(s.name ?? ""),
      cell(device),
      cell(s.transport),
      cell(when(s.created_at)),
      cell(when(s.last_activity)),
      cell(s.ip),
      cell(s.user_agent),
      cell(revoke),
      cell(name),
      cell(rename),
    );
    return tr;
  });
  $("#sessions tbody").replaceChildren(...rows);
}

async function refresh() {
  try {
    const signedIn = await showWhoAmI();
    await Promise.all([showData(), showExpiry(), showSessions(signedIn)]);
  } catch (error) {
    say(`Error ${error.message}`, true);
  }
}

// --- What the buttons do ------------------------------------------------------------------------

function credentials() {
  const form = new FormData($("#login-form"));
  return { username: form.get("username"), password: form.get("password") };
}

async function logIn() {
  const { user } = await api("POST", "/auth/login", credentials());
  await refreshCsrfToken(); // login rotated it: the old one would now be refused
  return `Logged in as ${user.username}.`;
}

async function register() {
  const { user } = await api("POST", "/auth/register", credentials());
  return `Registered ${user.username}; now log in.`;
}

async function logOut() {
  await api("POST", "/auth/logout");
  csrfToken = null; // start the next visit with a fresh token
  return "Logged out.";
}

function editData(key, value) {
  const fields = $("#data-form").elements;
  fields.key.value = key;
  fields.value.value = JSON.stringify(value);
  fields.value.focus();
}

async function saveData() {
  const form = $("#data-form");
  const key = form.elements.key.value;
  let value;
  try {
    value = JSON.parse(form.elements.value.value);
  } catch {
    throw new Error("the value is not JSON (quote strings: \"text\").");
  }
  await api("PUT", `/session/data/${encodeURIComponent(key)}`, { value });
  form.reset();
  return `Saved ${key}.`;
}

async function deleteData(key) {
  await api("DELETE", `/session/data/${encodeURIComponent(key)}`);
  return `Deleted ${key}.`;
}

async function setExpiry() {
  const fields = $("#expiry-form").elements;
  const body = {
    seconds: () => ({ seconds: Number(fields.seconds.value) }),
    expires_at: () => ({ expires_at: new Date(fields.expires_at.value).toISOString() }),
    browser_close: () => ({ browser_close: true }),
    default: () => ({ default: true }),
  }[fields.kind.value]();
  const expiry = await api("PUT", "/session/expiry", body);
  return `Expiry set: ${expiry.policy}.`;
}

async function checkCookies() {
  await api("POST", "/session/test-cookie"); // plants a marker in the session
  const { cookies_accepted } = await api("GET", "/session/test-cookie"); // did the cookie come back?
  await api("DELETE", "/session/test-cookie");
  $("#cookie-result").textContent = cookies_accepted ? "Cookies accepted: yes" : "Cookies accepted: no";
  return "Cookie check done.";
}

async function revokeSession(id) {
  await withStepUp(() => api("DELETE", `/sessions/${encodeURIComponent(id)}`));
  return `Revoked session ${id}.`;
}

async function revokeOthers() {
  const { revoked } = await withStepUp(() => api("POST", "/sessions/revoke-others"));
  return `Revoked ${revoked} other session(s).`;
}

async function renameSession(id, name) {
  const renamed = await api("PATCH", `/sessions/${encodeURIComponent(id)}`, { name: name || null });
  return renamed.name ? `Named session ${id} "${renamed.name}".` : `Session ${id} has no name now.`;
}

// --- Wiring -------------------------------------------------------------------------------------

$("#api-url").textContent = API_ORIGIN;
$("#login-form").addEventListener("submit", action(logIn));
$("#register").addEventListener("click", action(register));
$("#logout").addEventListener("click", action(logOut));
$("#data-form").addEventListener("submit", action(saveData));
$("#expiry-form").addEventListener("submit", action(setExpiry));
$("#check-cookies").addEventListener("click", action(checkCookies));
$("#refresh-sessions").addEventListener("click", action(async () => "Sessions refreshed."));
$("#revoke-others").addEventListener("click", action(revokeOthers));
refresh();
