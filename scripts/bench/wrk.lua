-- wrk script for the benchmarks' load driver (scripts/bench/driver.ts).
--
-- GET runs: no request() is defined, so wrk sends its one prebuilt request
-- (with any -H headers) and runs no Lua per request.
--
-- Vote runs (WRK_VOTE_OPTIONS="a,b,c"): a JSON ballot POSTed to the URL, each
-- naming the next option in turn. wrk keeps no cookies, so every ballot arrives
-- without a voter cookie and is a new voter.
--
-- Signed-in runs (WRK_COOKIES_FILE=<file>, one Cookie header value a line):
-- each request carries the next line's cookie, going round when the list ends.
-- The requests are built once in init(), so a request costs one table index.
--
-- done() prints one line, "WRK_RESULT {json}", that driver.ts reads: latency
-- and duration in microseconds, wrk's error counts (status counts answers
-- outside 2xx/3xx) and wrk's own /proc/self/stat line, for its CPU.

local options = os.getenv("WRK_VOTE_OPTIONS")
local cookies_file = os.getenv("WRK_COOKIES_FILE")

if options or cookies_file then
  local requests = {}
  local next = 0

  init = function(args)
    local bodies = {}
    if options then
      for option in string.gmatch(options, "[^,]+") do
        bodies[#bodies + 1] = '{"optionIds":["' .. option .. '"]}'
      end
    end
    local cookies = {}
    if cookies_file then
      for line in io.lines(cookies_file) do
        if line ~= "" then cookies[#cookies + 1] = line end
      end
    end
    local count = math.max(#bodies, #cookies)
    for i = 1, count do
      local headers = {}
      local body = nil
      if #bodies > 0 then
        headers["Content-Type"] = "application/json"
        body = bodies[(i - 1) % #bodies + 1]
      end
      if #cookies > 0 then headers["Cookie"] = cookies[(i - 1) % #cookies + 1] end
      requests[i] = wrk.format(body and "POST" or nil, nil, headers, body)
    end
  end

  request = function()
    next = next % #requests + 1
    return requests[next]
  end
end

local function own_stat()
  local file = io.open("/proc/self/stat", "r")
  if not file then return "" end
  local line = file:read("*l") or ""
  file:close()
  return (line:gsub('[\\"]', ""))
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,' ..
      '"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d,"stat":"%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status, own_stat()))
end
