-- POST comments through the API, one token per connection (round robin over a file of tokens),
-- a unique submission key per request (BENCH_RUN makes keys differ between runs: a repeated key
-- is a retry, answered with the stored comment without writing); receipts of 201 answers are
-- written per thread.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local consultation = os.getenv("BENCH_CONSULTATION")
local paragraph = os.getenv("BENCH_PARAGRAPH")
local receipts_path = os.getenv("BENCH_RECEIPTS")
local run = os.getenv("BENCH_RUN") or ""
local threads = {}
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

init = function(args)
  n = 0
  status = {}
  out = io.open(receipts_path .. "." .. id, "w")
  wrk.method = "POST"
  wrk.path = "/api/v1/consultations/" .. consultation .. "/comments"
  wrk.headers["Content-Type"] = "application/json"
end

request = function()
  n = n + 1
  local token = tokens[((id * 7919 + n) % #tokens) + 1]
  local body = string.format(
    '{"paragraph_id": %s, "text": "Intake benchmark comment %d-%d: please add a line on hotlines.", ' ..
    '"stakeholder_type": "civil_society", "country": "KE", "submission_key": "%sw%d-%d"}', paragraph, id, n, run, id, n)
  return wrk.format(nil, nil, {["Authorization"] = "Bearer " .. token}, body)
end

response = function(code, headers, body)
  status[code] = (status[code] or 0) + 1
  if code == 201 then
    local receipt = string.match(body, '"receipt": *"([^"]+)"')
    if receipt then out:write(receipt, "\n") end
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "socket_errors": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "non2xx": %d}\n',
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
end
