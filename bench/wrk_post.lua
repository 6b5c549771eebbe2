-- wrk script for `make bench`: POST /classify with JSON bodies read from a file (one body per line,
-- given after `--`), rotating over them; counts non-2xx answers and prints one line
-- "BENCH {json}" with the request count, duration, mean and p50/p95/p99 latency and the errors.

local prepared, next_index, threads = {}, 0, {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for body in io.lines(args[1]) do
    prepared[#prepared + 1] = wrk.format("POST", "/classify", {["Content-Type"] = "application/json"}, body)
  end
  non_2xx = 0
end

function request()
  next_index = next_index % #prepared + 1
  return prepared[next_index]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non_2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "mean_us": %.1f, "p50_us": %.1f, "p95_us": %.1f, "p99_us": %.1f, ' ..
    '"errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, bad))
end
