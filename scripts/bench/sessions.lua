-- wrk script: rotate over many sessions (one per line in sessions.txt), as real
-- traffic does; a single repeated cookie would flatter per-statement caches.
local tokens = {}
for line in io.lines(os.getenv("FS_BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", nil, { ["Cookie"] = "fs_session=" .. tokens[(i % #tokens) + 1] })
end
