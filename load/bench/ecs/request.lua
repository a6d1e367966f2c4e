-- wrk script for ecs-vs-moto.sh: one query per request, from environment variables.
--   QUERY          the query string of a read (sent as is, every request)
--   ASSIGN/UNASSIGN  a write pair: they alternate on each 200 (one connection), so each assign's address is given back next
--   AUTH           an Authorization header, for moto only (it routes on it; the ECS port would refuse a SigV4 one)
--   SLOT_BASE      writes at concurrency N: run wrk with one connection per thread (-tN -cN) and write @SLOT@ in
--                  ASSIGN/UNASSIGN; thread k (0-based) puts SLOT_BASE + k there, so each connection moves its own address
-- Every reply that is not 200 is counted and printed at the end: a rate with errors in it is no rate.
local query, assign, unassign, auth = os.getenv("QUERY"), os.getenv("ASSIGN"), os.getenv("UNASSIGN"), os.getenv("AUTH")
local assigning, bad = true, 0

-- setup runs in wrk's main state, once per thread before it starts; each thread's own state then holds its slot.
local threads = 0
setup = function(thread)
  thread:set("slot", threads)
  threads = threads + 1
end

init = function(args)
  local base = tonumber(os.getenv("SLOT_BASE") or "")
  if base and assign then
    local value = tostring(base + (slot or 0))
    assign, unassign = assign:gsub("@SLOT@", value), unassign:gsub("@SLOT@", value)
  end
end

request = function()
  local q = query or (assigning and assign or unassign)
  local headers = {}
  if auth then headers["Authorization"] = auth end
  return wrk.format("GET", "/?" .. q, headers)
end

response = function(status, headers, body)
  if status == 200 then
    assigning = not assigning
  else
    bad = bad + 1
    if bad <= 3 then io.stderr:write("non-200: " .. status .. " " .. body:sub(1, 300) .. "\n") end
  end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p99_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
