-- Closed loop: every connection sends its next request as soon as the last one is answered.
-- BENCH_LIMIT, when set, stops after that many answers (the soak); otherwise wrk's -d decides.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local limit = tonumber(os.getenv("BENCH_LIMIT") or "")
local answered = 0

-- Only defined with a limit: with no response() wrk does not hand headers and bodies to Lua.
if limit then
  function response()
    answered = answered + 1
    if answered >= limit then wrk.thread:stop() end
  end
end
