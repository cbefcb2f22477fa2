-- wrk script for the cluster tests: requests the paths given after `--`
-- in turn (each thread starting at a different one), counts every response
-- that is not 2xx (wrk's own "Non-2xx or 3xx" line lets 3xx pass), the
-- distinct snapshots the responses name (X-DRI-Snapshot) and the 2xx
-- responses that name none, and prints one JSON line, prefixed with
-- "wrk-result ", that the Go harness parses: requests, seconds, socket
-- errors by kind, non-2xx by status, snapshots, latency percentiles in
-- microseconds.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for _, p in ipairs(args) do
    table.insert(paths, p)
  end
  if #paths == 0 then
    table.insert(paths, "/")
  end
  next_path = id % #paths
  non2xx = 0
  -- statuses is a string "code:count,..." kept small: the codes seen
  -- outside 2xx (thread:get copies numbers and strings between states).
  bad = {}
  -- snapshots is "id,id,...": the snapshots this thread's responses named.
  seen = {}
  snapshots = ""
  unnamed = 0
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  local id = nil
  for name, value in pairs(headers) do
    if string.lower(name) == "x-dri-snapshot" then
      id = value
      break
    end
  end
  if id == nil then
    if status >= 200 and status <= 299 then
      unnamed = unnamed + 1
    end
  elseif not seen[id] then
    seen[id] = true
    snapshots = snapshots .. id .. ","
  end
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    bad[status] = (bad[status] or 0) + 1
    statuses = ""
    for code, n in pairs(bad) do
      statuses = statuses .. code .. ":" .. n .. ","
    end
  end
end

function done(summary, latency, requests)
  local total_non2xx = 0
  local by_status = {}
  local all_snapshots = {}
  local n_snapshots = 0
  local total_unnamed = 0
  for _, t in ipairs(threads) do
    total_non2xx = total_non2xx + t:get("non2xx")
    total_unnamed = total_unnamed + t:get("unnamed")
    for id in string.gmatch(t:get("snapshots"), "([^,]+),") do
      if not all_snapshots[id] then
        all_snapshots[id] = true
        n_snapshots = n_snapshots + 1
      end
    end
    local s = t:get("statuses")
    if s then
      for code, n in string.gmatch(s, "(%d+):(%d+),") do
        by_status[code] = (by_status[code] or 0) + tonumber(n)
      end
    end
  end
  local parts = {}
  for code, n in pairs(by_status) do
    table.insert(parts, string.format('"%s":%d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'wrk-result {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"non2xx":%d,"non2xx_by_status":{%s},"snapshots":%d,"unnamed_2xx":%d,' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    total_non2xx, table.concat(parts, ","), n_snapshots, total_unnamed,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
