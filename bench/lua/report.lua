-- Shared by request.lua and paced.lua: the request from the environment, and one machine-readable result line.
-- The request is set at the top level (every thread runs it), so wrk keeps it static: no Lua call per request.
wrk.method = os.getenv("BENCH_METHOD")
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = os.getenv("BENCH_AUTHORIZATION")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- wrk's own CPU time (every thread), so the bench can show the generator is not the bottleneck.
local function cpu_ticks()
  local file = io.open("/proc/self/stat", "r")
  if not file then return -1 end
  local stat = file:read("*a")
  file:close()
  local fields = {}
  for field in stat:match("%) (.*)"):gmatch("%S+") do table.insert(fields, field) end
  return tonumber(fields[12]) + tonumber(fields[13])
end

function done(summary, latency, requests)
  local late = 0
  for _, thread in ipairs(threads) do late = late + (thread:get("late") or 0) end
  local e = summary.errors
  io.write(string.format(
    '\nBENCH_RESULT {"requests":%d,"durationUs":%d,"errors":%d,"p50Us":%d,"p99Us":%d,"late":%d,"cpuTicks":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), late, cpu_ticks()))
end
