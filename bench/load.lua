-- Read load for bench/load.sh. LOAD_MODE picks the requests:
--   mix          per 12 requests: 4 paper details, 2 list pages, 3 searches, the category tree, a CSV comparison
--                and a BibTeX export. A detail or export names one of the catalogue's real papers 4 times in
--                5 and a random generated one (of 100,000) otherwise; searches and lists repeat a few popular URLs.
--   detail       details of the real papers, round robin (each cached after its first request)
--   detail-cold  details of random generated papers: nearly every request misses the response cache
--   list         the first 10 pages of the paper list, 20 per page (cached after their first request)
--   list-cold    pages 1-50, each URL made unique by a throwaway parameter, so the response cache always misses
--                (facet counts stay cached: they depend on the filters, not on the page)
-- KEYS_FILE lists the real papers' citation keys, one per line; the generated ones are synthetic<FIRST..LAST>.
local mode = os.getenv("LOAD_MODE") or "mix"
local first, last = tonumber(os.getenv("FIRST")), tonumber(os.getenv("LAST"))
local real = {}
for line in io.lines(os.getenv("KEYS_FILE")) do
  real[#real + 1] = line
end

local fixed = {
  "/api/papers/?page_size=20",
  "/api/papers/?page_size=20&category=intra-pipeline",
  "/api/papers/?q=heterogeneous",
  "/api/papers/?q=pipeline%20parallel&year_min=2022",
  "/api/papers/?q=hetp",
  "/api/categories/",
  "/api/compare/?category=intra-pipeline&format=csv",
}
local counter = 0

local function spread_key()
  if math.random() < 0.8 then
    return real[math.random(#real)]
  end
  return "synthetic" .. math.random(first, last)
end

local function next_path()
  counter = counter + 1
  if mode == "detail" then
    return "/api/papers/" .. real[(counter % #real) + 1] .. "/"
  elseif mode == "detail-cold" then
    return "/api/papers/synthetic" .. math.random(first, last) .. "/"
  elseif mode == "list" then
    return "/api/papers/?page_size=20&page=" .. ((counter % 10) + 1)
  elseif mode == "list-cold" then
    return "/api/papers/?page_size=20&page=" .. math.random(50) .. "&nocache=" .. math.random(1e9)
  end
  local slot = counter % 12
  if slot < 4 then
    return "/api/papers/" .. spread_key() .. "/"
  elseif slot == 4 then
    return "/api/papers/" .. spread_key() .. "/bibtex"
  end
  return fixed[slot - 4]
end

local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

init = function(args)
  math.randomseed(os.time() * 100 + thread_id)  -- each wrk thread its own sequence
end

request = function()
  return wrk.format("GET", next_path())
end

done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT mode=%s requests=%d socket_errors=%d (connect %d read %d write %d timeout %d) non2xx=%d rps=%.1f "
      .. "p50_ms=%.1f p99_ms=%.1f\n",
    mode, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
