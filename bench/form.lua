-- wrk script for the public sign-up form (bench/marketing): every request is a different
-- visitor (its own X-Forwarded-For address and mobile number), with the double-submit form
-- token a browser would carry. Counts answers by status so the run can check none was lost.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  ok, limited, other = 0, 0, 0
end

function request()
  counter = counter + 1
  local n = tid * 10000000 + counter
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  local mobile = string.format("13%09d", n)
  local body = "_csrf=bench&name=%E8%AE%BF%E5%AE%A2" .. n .. "&mobile=" .. mobile .. "&consent=true&utm_source=bench"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "vg_csrf=bench",
    ["X-Forwarded-For"] = ip,
  }, body)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status == 429 then limited = limited + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_limited, total_other = 0, 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_limited = total_limited + t:get("limited")
    total_other = total_other + t:get("other")
  end
  io.write(string.format("FORM ok=%d limited=%d other=%d\n", total_ok, total_limited, total_other))
  for _, p in pairs({ 50, 95, 99 }) do
    io.write(string.format("P%d %d\n", p, latency:percentile(p)))
  end
end
