// The built client against a service whose store is down: tests/clients/test_typescript_sdk.py stops the
// Redis of a cache-engine service and runs this with DOWN_API_URL set (skipped without it). The header
// transport only, as in header.test.mjs: Node has no cookie jar.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError, SessionClient } from "../dist/index.js";

const DOWN_API_URL = process.env.DOWN_API_URL;

test("a 503 while the store is down is an ApiError with its code and its Retry-After", {
  skip: !DOWN_API_URL && "DOWN_API_URL is not set",
}, async () => {
  const client = new SessionClient({ baseUrl: DOWN_API_URL, transport: "header", retries: 0 });
  await assert.rejects(client.authLogin({ username: "anyone", password: "whatever" }), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 503);
    assert.equal(error.code, "service_unavailable");
    assert.equal(error.retryAfter, 2);
    return true;
  });
  await assert.rejects(client.health(), (error) => error.status === 503 && error.code === "service_unavailable");
});
