-- common.lua: prepended to every scenario's Lua body (bench/scenarios.ts) by the driver.
-- Same as the Python anchor's common.lua: counts non-2xx responses and prints one JSON line in done().
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  counter = 0                 -- request index (like `i` in run_benchmark_external.py)
  non2xx = 0
  codes = {}
  math.randomseed(20260301)   -- fixed seed; record ids uniform in 1..100
  -- `-- <connections> <pause ms>` from the driver (driver/load-wrk.ts): each connection's first request
  -- waits the pause, so that the server has accepted every connection before the load starts.
  first_requests_left = tonumber(args[1]) or 0
  first_request_pause_ms = tonumber(args[2]) or 0
end
-- Called by wrk before every request. A burst of new connections on a busy Node server is accepted one
-- per event-loop turn (libuv accepts once per turn), so without the pause the last of 100 connections
-- waits 100-500 ms for its first answer while the others cycle: what a 1 s slice's p99 then measured
-- (bench/ANALYSIS.md, 2026-12-07 night). The first call of each connection comes before any answer.
function delay()
  if first_requests_left > 0 then
    first_requests_left = first_requests_left - 1
    return first_request_pause_ms
  end
  return 0
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    codes[status] = (codes[status] or 0) + 1
  end
end
function done(summary, latency, requests)
  local n = 0
  local codestr = ""
  for _, t in ipairs(threads) do
    n = n + t:get("non2xx")
    local c = t:get("codes")
    for k, v in pairs(c) do codestr = codestr .. string.format('"%d":%d,', k, v) end
  end
  codestr = codestr:gsub(",$", "")
  -- The latency distribution as "percent µs" pairs on a grid fine in the tail: the driver puts the
  -- slices of a run together and takes the percentiles of the whole (bench/driver/load-slices.ts).
  -- Each percentile call walks wrk's buckets once; reading every bucket through latency(i) would walk
  -- them once per bucket.
  local grid = {}
  for p = 1, 98 do grid[#grid + 1] = p end
  for _, p in ipairs({ 98.5, 99, 99.1, 99.2, 99.3, 99.4, 99.5, 99.6, 99.7, 99.8, 99.9, 99.95, 99.99 }) do
    grid[#grid + 1] = p
  end
  local quantiles = {}
  for _, p in ipairs(grid) do quantiles[#quantiles + 1] = string.format("%g %d", p, latency:percentile(p)) end
  -- percentile(100) ranks past the last sample (wrk answers 0): the 100th is the max.
  quantiles[#quantiles + 1] = string.format("100 %d", latency.max)
  io.write("latency-quantiles-us ", table.concat(quantiles, " "), "\n")
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"err_connect":%d,"err_read":%d,"err_write":%d,"err_status_gt399":%d,"err_timeout":%d,"non2xx":%d,"non2xx_codes":{%s},"lat_p50_us":%d,"lat_p90_us":%d,"lat_p99_us":%d,"lat_max_us":%d,"lat_mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    n, codestr, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
