-- POST a reply per request; run.py passes the thread path and the session cookie header.
-- Each body differs, as real replies do, and none has the search scenario's words: on a reused
-- database, earlier runs' replies would otherwise fill its results.
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

request = function()
  counter = counter + 1
  local body = "body=Benchmark+reply+" .. counter .. "+from+a+load+test+on+referral+letters."
  return wrk.format(nil, nil, nil, body)
end
