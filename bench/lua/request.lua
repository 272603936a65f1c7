-- Closed loop: every connection sends its next request as soon as the last one is answered, for wrk's -d.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
