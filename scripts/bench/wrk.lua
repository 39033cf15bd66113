-- wrk script for scripts/bench/wrk.ts.
--
-- GET runs: no request() is defined, so wrk sends its one prebuilt request and
-- runs no Lua per request. Vote runs (WRK_VOTE_OPTIONS="a,b,c"): a JSON ballot
-- POSTed to the URL, each naming the next option in turn. wrk keeps no cookies,
-- so every ballot arrives without a voter cookie and is a new voter, as in
-- `npm run bench -- polls`.
--
-- done() prints one line, "WRK_RESULT {json}", that wrk.ts reads: latency in
-- microseconds, duration in microseconds, and wrk's error counts (status counts
-- answers outside 2xx/3xx).

local options = os.getenv("WRK_VOTE_OPTIONS")

if options then
  local requests = {}
  local next = 0

  init = function(args)
    for option in string.gmatch(options, "[^,]+") do
      local body = '{"optionIds":["' .. option .. '"]}'
      requests[#requests + 1] = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
    end
  end

  request = function()
    next = next % #requests + 1
    return requests[next]
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,' ..
      '"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
