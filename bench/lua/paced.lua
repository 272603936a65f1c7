-- Fixed rate (wrk2 is not in Debian): the thread keeps one schedule, a slot every 1/BENCH_RATE s, and each
-- connection waits for the next free slot before it sends. Latency counts from the send, as wrk measures it; a
-- request sent more than 1 ms after its slot (all connections were busy) is counted in `late`, so a run that
-- could not keep the rate says so instead of hiding it (coordinated omission).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local now_ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now_ts)
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end

local interval_ms = 1000 / tonumber(os.getenv("BENCH_RATE"))
local next_slot = nil
late = 0

function delay()
  local now = now_ms()
  next_slot = next_slot or now
  local wait = next_slot - now
  next_slot = next_slot + interval_ms
  if wait < -1 then late = late + 1 end
  -- wrk's timer takes whole ms: rounding spreads sends by under 1 ms, the schedule keeps the average rate.
  if wait < 0.5 then return 0 end
  return math.floor(wait + 0.5)
end
