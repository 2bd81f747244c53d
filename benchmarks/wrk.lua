-- The wrk script of ../shared/bench/bench.lua, unchanged in what it measures, so that the service and
-- the stock baseline are measured alike. Static request (no per-request Lua work).
-- WRK_METHOD (GET|PUT|POST), WRK_BODY (request body, optional); headers come with wrk -H.
-- done() prints one machine-readable line:
--   WRKRESULT <req_per_s> <p50_ms> <p99_ms> <requests> <non2xx3xx> <connect_err> <read_err> <write_err> <timeouts>
local method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
wrk.method = method
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("WRKRESULT %.1f %.2f %.2f %d %d %d %d %d %d\n",
    summary.requests / secs,
    latency:percentile(50) / 1000.0,
    latency:percentile(99) / 1000.0,
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout))
end
