-- wrk script of the benchmark: every request takes the next (cookie, path) pair from the targets file given
-- after "--", so the load is spread over several logged-in users; answers other than 200 are counted.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  targets = {}
  for line in io.lines(args[1]) do
    local cookie, path = line:match("^(%S+)%s+(%S+)$")
    if cookie then targets[#targets + 1] = { cookie, path } end
  end
  n = #targets
  i = ((id or 1) - 1) % n
  bad = 0
end

function request()
  i = i % n + 1
  local t = targets[i]
  return wrk.format("GET", t[2], { ["Cookie"] = t[1] })
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local non200 = 0
  for _, t in ipairs(threads) do non200 = non200 + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,'
      .. '"write_errors":%d,"status_errors":%d,"timeouts":%d,"non_200":%d,"p50_us":%d,"p90_us":%d,'
      .. '"p95_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    non200, latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max))
end
