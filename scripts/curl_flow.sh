#!/usr/bin/env bash
# Walk every endpoint of the API with curl, on both transports, and check each status code.
#
#   scripts/curl_flow.sh http://127.0.0.1:8000
#   STAFF_USERNAME=admin STAFF_PASSWORD=... scripts/curl_flow.sh https://api.example.com
#
# It registers fresh users, so point it at a service with registration open. The staff endpoints
# run only when STAFF_USERNAME and STAFF_PASSWORD name a staff user. Each step prints one line,
# "STATUS METHOD PATH what", paths relative to /api/v1; the first wrong status stops the run with
# the step's name and the response body, and exit code 1. Needs curl and jq.
# shellcheck disable=SC2016  # the jq filters name their --arg variables ($u, $p) on purpose
set -euo pipefail

if [[ $# -ne 1 || $1 == -* ]]; then
    echo "usage: $0 BASE_URL   (e.g. http://127.0.0.1:8000)" >&2
    exit 2
fi
for tool in curl jq; do
    command -v "$tool" >/dev/null || { echo "$0 needs $tool" >&2; exit 2; }
done

BASE=${1%/}
ORIGIN=$(printf '%s' "$BASE" | sed -E 's#^([a-z]+://[^/]+).*#\1#')  # a browser sends it on writes
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
RUN_ID=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
PASSWORD="Sunny-meadow-$RANDOM-horse"
NEW_PASSWORD="Quiet-harbour-$RANDOM-battery"
STEPS=0

# --- one request, one step ------------------------------------------------------------------

# Each client's transport and token live in variables named after it (bash 3.2, macOS's, has no
# associative arrays): transport_of and token_of read them, set_var writes them.
set_var() { printf -v "$1_${2//-/_}" '%s' "$3"; }
transport_of() { local name="TRANSPORT_${1//-/_}"; printf '%s' "${!name}"; }
token_of() { local name="TOKEN_${1//-/_}"; printf '%s' "${!name}"; }

# new_client NAME TRANSPORT: a client with no session yet (an empty cookie jar, or no token).
new_client() {
    set_var TRANSPORT "$1" "$2"
    set_var TOKEN "$1" ""
    : >"$WORK/$1.jar"
}

# The CSRF cookie's value from a client's jar (Netscape format: name and value are fields 6 and 7).
csrf_cookie() {
    local _domain _subdomains _path _secure _expires name value token=""
    while IFS=$'\t' read -r _domain _subdomains _path _secure _expires name value; do
        if [[ $name == csrftoken ]]; then token=$value; fi
    done <"$WORK/$1.jar"
    printf '%s' "$token"
}

# Keep the newest X-Session-Token a header-transport client was given (no process per request).
keep_token() {
    local line
    while IFS= read -r line; do
        line=${line%$'\r'}
        if [[ $line == [Xx]-[Ss]ession-[Tt]oken:* ]]; then set_var TOKEN "$1" "${line#*: }"; fi
    done <"$WORK/headers"
}

# call CLIENT METHOD PATH [JSON]: send one request as that client; sets STATUS. The cookie transport
# keeps a cookie jar and sends X-CSRFToken (from the csrftoken cookie) and Origin on writes, as a
# browser app does; the header transport sends X-Session-Token and keeps the newest one it is given.
call() {
    local client=$1 method=$2 path=$3 body=${4-} url
    local args=(-sS --max-time 30 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method")
    url=$BASE/api/v1$path
    if [[ $path == /api/* ]]; then url=$BASE$path; fi
    if [[ -n $body ]]; then
        args+=(-H 'Content-Type: application/json' --data "$body")
    fi
    local transport token
    transport=$(transport_of "$client")
    token=$(token_of "$client")
    if [[ $transport == cookie ]]; then
        args+=(-b "$WORK/$client.jar" -c "$WORK/$client.jar")
        if [[ $method != GET && -z ${NO_CSRF-} ]]; then
            args+=(-H "X-CSRFToken: $(csrf_cookie "$client")" -H "Origin: $ORIGIN")
        fi
    elif [[ -n $token ]]; then
        args+=(-H "X-Session-Token: $token")
    else
        args+=(-H 'X-Session-Token;')  # sent empty: the header transport, with no session yet
    fi
    STATUS=$(curl "${args[@]}" "$url") || { echo "FAIL  curl could not reach $url" >&2; exit 1; }
    if [[ $transport == header ]]; then keep_token "$client"; fi
}

# step WHAT STATUS CLIENT METHOD PATH [JSON]: one request whose status must be STATUS.
step() {
    local what=$1 expected=$2 method=$4 path=$5
    shift 2
    call "$@"
    if [[ $STATUS != "$expected" ]]; then
        printf 'FAIL  %s: %s %s answered %s, expected %s\n' "$what" "$method" "$path" "$STATUS" "$expected" >&2
        head -c 2000 "$WORK/body" >&2
        echo >&2
        exit 1
    fi
    STEPS=$((STEPS + 1))
    printf '%s %-6s %-32s %s\n' "$STATUS" "$method" "${path#/api/v1}" "$what"
}

# check WHAT JQ_FILTER: the body of the last response satisfies the filter.
check() {
    if ! jq -e "$2" "$WORK/body" >/dev/null 2>&1; then
        printf 'FAIL  %s: the response does not satisfy %s\n' "$1" "$2" >&2
        head -c 2000 "$WORK/body" >&2
        echo >&2
        exit 1
    fi
}

field() { jq -r "$1" "$WORK/body"; }

json() { jq -nc "$@"; }

# login CLIENT USERNAME PASSWORD WHAT: log in on the client's transport; the header one keeps the token.
login() {
    local transport body
    transport=$(transport_of "$1")
    body=$(json --arg u "$2" --arg p "$3" --arg t "$transport" '{username: $u, password: $p, transport: $t}')
    step "$4" 200 "$1" POST /auth/login "$body"
    check "$4" ".user.username == \"$2\""
    if [[ $transport == header ]]; then
        set_var TOKEN "$1" "$(field .session_token)"
        if grep -qi "^set-cookie: sessionid=" "$WORK/headers"; then
            echo "FAIL  $4: the header transport must not set a session cookie" >&2
            exit 1
        fi
    fi
}

# csrf_for_cookie CLIENT WHAT: a new browser client fetches the CSRF cookie before its first write.
csrf_for_cookie() {
    if [[ $(transport_of "$1") == cookie ]]; then
        step "$2" 200 "$1" GET /auth/csrf
    fi
}

register() {
    step "$3" 201 "$1" POST /auth/register "$(json --arg u "$2" --arg p "$PASSWORD" '{username: $u, password: $p}')"
}

section() { printf '\n== %s\n' "$1"; }

# --- the flow, once per transport ----------------------------------------------------------

# basics CLIENT USER: the shortest tour (csrf, login, who am I, logout, who am I).
basics() {
    step "csrf" 200 "$1" GET /auth/csrf
    login "$1" "$2" "$PASSWORD" "login"
    step "session" 200 "$1" GET /auth/session
    step "logout" 204 "$1" POST /auth/logout
    step "session after logout" 401 "$1" GET /auth/session
}

# login_checks CLIENT USER: what login refuses, and the anonymous cart it keeps.
login_checks() {
    local me=$1 user=$2 body
    if [[ $(transport_of "$me") == cookie ]]; then
        body=$(json --arg u "$user" --arg p "$PASSWORD" '{username: $u, password: $p}')
        NO_CSRF=1 step "login without X-CSRFToken is refused" 403 "$me" POST /auth/login "$body"
        check "csrf_failed" '.code == "csrf_failed"'
    fi
    body=$(json --arg u "$user" --arg t "$(transport_of "$me")" '{username: $u, password: "wrong", transport: $t}')
    step "login with a wrong password" 401 "$me" POST /auth/login "$body"
    check "invalid_credentials" '.code == "invalid_credentials"'
    step "anonymous cart before login" 201 "$me" PUT /session/data/cart '{"value": ["apple"]}'
    login "$me" "$user" "$PASSWORD" "login"
    step "the cart survives login" 200 "$me" GET /session/data/cart
    check "cart" '.value == ["apple"]'
}

session_data() {
    local me=$1
    step "replace a value" 200 "$me" PUT /session/data/cart '{"value": ["apple", "pear"]}'
    step "add a value" 201 "$me" PUT /session/data/theme '{"value": "dark"}'
    step "list the data" 200 "$me" GET /session/data
    check "both keys" '.data == {"cart": ["apple", "pear"], "theme": "dark"}'
    step "delete a key" 204 "$me" DELETE /session/data/theme
    step "a deleted key is gone" 404 "$me" GET /session/data/theme
    step "internal keys are refused" 400 "$me" PUT /session/data/_auth_user_id '{"value": 1}'
    step "clear the data" 204 "$me" DELETE /session/data
    step "the data is empty" 200 "$me" GET /session/data
    check "no keys" '.data == {}'
    step "the login stays" 200 "$me" GET /auth/session
}

expiry() {
    local me=$1
    step "expiry" 200 "$me" GET /session/expiry
    step "expire in 15 minutes" 200 "$me" PUT /session/expiry '{"seconds": 900}'
    check "seconds policy" '.policy == "seconds" and .expiry_age <= 900'
    step "expire at browser close" 200 "$me" PUT /session/expiry '{"browser_close": true}'
    check "browser_close policy" '.policy == "browser_close" and .expire_at_browser_close'
    step "back to the default" 200 "$me" PUT /session/expiry '{"default": true}'
    check "default policy" '.policy == "default"'
    step "an empty expiry is refused" 400 "$me" PUT /session/expiry '{}'
}

test_cookie() {
    local me=$1
    step "plant the test cookie" 204 "$me" POST /session/test-cookie
    step "the test cookie worked" 200 "$me" GET /session/test-cookie
    check "accepted" '.cookies_accepted == true'
    step "delete the test cookie" 204 "$me" DELETE /session/test-cookie
    step "the test cookie is gone" 200 "$me" GET /session/test-cookie
    check "not accepted" '.cookies_accepted == false'
}

# own_sessions CLIENT USER: list, name one, prove the password again, revoke one, revoke the others, change the password.
own_sessions() {
    local me=$1 user=$2 transport other_id device_id
    transport=$(transport_of "$me")
    new_client "$me-other" "$transport"
    new_client "$me-device" "$transport"
    new_client "$me-device3" "$transport"
    csrf_for_cookie "$me-other" "csrf for another user"
    register "$me-other" "$user-other" "register another user"
    login "$me-other" "$user-other" "$PASSWORD" "the other user logs in"
    other_id=$(field .session.id)
    csrf_for_cookie "$me-device" "csrf for a second device"
    login "$me-device" "$user" "$PASSWORD" "log in on a second device"
    device_id=$(field .session.id)
    step "list my sessions" 200 "$me" GET /sessions
    check "two sessions, one current" \
        '(.sessions | length) == 2 and ([.sessions[] | select(.current)] | length) == 1'
    step "name the second device" 200 "$me" PATCH "/sessions/$device_id" '{"name": "Work laptop"}'
    check "named" '.name == "Work laptop" and .current == false'
    step "another user's session cannot be named" 404 "$me" PATCH "/sessions/$other_id" '{"name": "mine"}'
    step "a wrong password does not end the session" 401 "$me" POST /auth/reauthenticate '{"password": "wrong"}'
    check "invalid_credentials" '.code == "invalid_credentials"'
    step "prove the password again (step-up)" 200 "$me" POST /auth/reauthenticate \
        "$(json --arg p "$PASSWORD" '{password: $p}')"
    check "privileged" '.session.privileged_until > .session.authenticated_at'
    step "revoke the second device" 204 "$me" DELETE "/sessions/$device_id"
    step "the second device is signed out" 401 "$me-device" GET /auth/session
    step "another user's session is not mine" 404 "$me" DELETE "/sessions/$other_id"
    step "an unknown session" 404 "$me" DELETE /sessions/no-such-session
    login "$me-device" "$user" "$PASSWORD" "the second device logs in again"
    csrf_for_cookie "$me-device3" "csrf for a third device"
    login "$me-device3" "$user" "$PASSWORD" "log in on a third device"
    step "revoke the others" 200 "$me" POST /sessions/revoke-others
    check "two revoked" '.revoked == 2'
    step "the second device is signed out" 401 "$me-device" GET /auth/session
    step "the third device is signed out" 401 "$me-device3" GET /auth/session
    login "$me-device" "$user" "$PASSWORD" "the second device logs in again"
    local before
    before=$(token_of "$me")
    step "change the password" 204 "$me" POST /auth/password \
        "$(json --arg c "$PASSWORD" --arg n "$NEW_PASSWORD" '{current_password: $c, new_password: $n}')"
    if [[ $transport == header && $(token_of "$me") == "$before" ]]; then
        echo "FAIL  change the password: no new X-Session-Token came back" >&2
        exit 1
    fi
    step "the other device is signed out" 401 "$me-device" GET /auth/session
    step "this session goes on" 200 "$me" GET /auth/session
}

# staff CLIENT USER: the staff endpoints, as a staff user on the same transport.
staff() {
    local me=$1 user_id transport
    transport=$(transport_of "$me")
    step "staff only" 403 "$me" GET /admin/sessions
    check "permission_denied" '.code == "permission_denied"'
    if [[ -z ${STAFF_USERNAME-} || -z ${STAFF_PASSWORD-} ]]; then
        echo "--- staff endpoints skipped: set STAFF_USERNAME and STAFF_PASSWORD to a staff user"
        return
    fi
    step "who am I (for my user id)" 200 "$me" GET /auth/session
    user_id=$(field .user.id)
    new_client "$me-staff" "$transport"
    csrf_for_cookie "$me-staff" "csrf for staff"
    login "$me-staff" "$STAFF_USERNAME" "$STAFF_PASSWORD" "staff logs in"
    step "staff lists a user's sessions" 200 "$me-staff" GET "/admin/sessions?user=$user_id"
    check "one session, a cursor field" '(.sessions | length) == 1 and has("next")'
    step "staff clears expired sessions" 200 "$me-staff" POST /admin/sessions/clear-expired
    check "a count" '.deleted >= 0'
    step "staff revokes sessions in bulk" 200 "$me-staff" POST /admin/sessions/revoke '{"ids": ["no-such-session"]}'
    check "unknown ids are not counted" '.revoked == 0'
    step "staff revokes the user's sessions" 200 "$me-staff" DELETE "/admin/users/$user_id/sessions"
    check "one revoked" '.revoked == 1'
    step "the user is signed out" 401 "$me" GET /auth/session
    step "an unknown user" 404 "$me-staff" DELETE /admin/users/0/sessions
    step "staff logs out" 204 "$me-staff" POST /auth/logout
}

# flow TRANSPORT USER: every endpoint on one transport.
flow() {
    local me=$1 user=$2
    new_client "$me" "$1"
    section "$1 transport, user $user"
    basics "$me" "$user"
    login_checks "$me" "$user"
    session_data "$me"
    expiry "$me"
    test_cookie "$me"
    own_sessions "$me" "$user"
    staff "$me"
    login "$me" "$user" "$NEW_PASSWORD" "log in with the new password"
    step "logout" 204 "$me" POST /auth/logout
    step "session after logout" 401 "$me" GET /auth/session
    step "logging out twice is fine" 204 "$me" POST /auth/logout
}

echo "curl flow against $BASE"
section "setup"
new_client setup header
register setup "flow-$RUN_ID-cookie" "register the cookie transport's user"
register setup "flow-$RUN_ID-header" "register the header transport's user"
flow cookie "flow-$RUN_ID-cookie"
flow header "flow-$RUN_ID-header"

section "operations"
new_client ops header
step "health" 200 ops GET /health
check "ok" '.status == "ok"'
step "OpenAPI schema" 200 ops GET /api/schema/
step "Swagger UI" 200 ops GET /api/docs/
step "ReDoc" 200 ops GET /api/redoc/

printf '\nall %d steps passed\n' "$STEPS"
