// The demo SPA: every call to the API goes through the TypeScript client (clients/typescript, copied
// into sdk/ and imported through the page's import map) on its cookie transport, which keeps the three
// rules a cross-origin SPA must follow with a session-cookie API:
//   1. fetch(..., {credentials: "include"}), so the browser sends and keeps the API's cookies;
//   2. every unsafe request (POST, PUT, PATCH, DELETE) carries the CSRF token in the X-CSRFToken header,
//      taken from the body of GET /auth/csrf (this page never reads cookies: the session cookie is
//      HttpOnly, and on a real deployment the API's cookies belong to another host);
//   3. login and reauthentication rotate the CSRF token, so it is fetched again after them.
// Revoking sessions needs a recent password proof (step-up): the client's withStepUp() asks for the
// password (askPassword below) when the API answers 403 reauthentication_required, proves it, and
// retries once.
import { SessionClient, withStepUp } from "@session-auth/client";

const API_ORIGIN = (new URLSearchParams(location.search).get("api") || "http://localhost:8000").replace(/\/+$/, "");
const api = new SessionClient({ baseUrl: API_ORIGIN }); // transport: "cookie", the default

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
    const { user, session } = await api.authSession();
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
  const data = await api.sessionDataList();
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
  const expiry = await api.sessionExpiryGet();
  $("#expiry").textContent = expiry.expire_at_browser_close
    ? `Policy: ${expiry.policy}; the session ends when the browser closes.`
    : `Policy: ${expiry.policy}; expires in ${expiry.expiry_age} s, at ${when(expiry.expiry_date)}.`;
}

async function showSessions(signedIn) {
  const sessions = signedIn ? await api.sessionsList() : [];
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
  const { user } = await api.authLogin(credentials()); // the client fetches the rotated CSRF token
  return `Logged in as ${user.username}.`;
}

async function register() {
  const user = await api.authRegister(credentials());
  return `Registered ${user.username}; now log in.`;
}

async function logOut() {
  await api.authLogout(); // the next visit starts with a fresh CSRF token
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
  await api.sessionDataSet(key, value);
  form.reset();
  return `Saved ${key}.`;
}

async function deleteData(key) {
  await api.sessionDataDelete(key);
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
  const expiry = await api.sessionExpirySet(body);
  return `Expiry set: ${expiry.policy}.`;
}

async function checkCookies() {
  await api.sessionTestCookieSet(); // plants a marker in the session
  const cookies_accepted = await api.sessionTestCookieCheck(); // did the cookie come back?
  await api.sessionTestCookieDelete();
  $("#cookie-result").textContent = cookies_accepted ? "Cookies accepted: yes" : "Cookies accepted: no";
  return "Cookie check done.";
}

async function revokeSession(id) {
  await withStepUp(api, askPassword, () => api.sessionsRevoke(id));
  return `Revoked session ${id}.`;
}

async function revokeOthers() {
  const revoked = await withStepUp(api, askPassword, () => api.sessionsRevokeOthers());
  return `Revoked ${revoked} other session(s).`;
}

async function renameSession(id, name) {
  const renamed = await api.sessionsRename(id, name || null);
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
