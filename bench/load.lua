-- Mixed read load: list pages, searches, paper details and exports, in fixed proportions.
local paths = {
  "/api/papers/?page_size=20",
  "/api/papers/?page_size=20&category=intra-pipeline",
  "/api/papers/?q=heterogeneous",
  "/api/papers/?q=pipeline%20parallel&year_min=2022",
  "/api/papers/?q=hetp",
  "/api/papers/park2020hetpipe/",
  "/api/papers/mei2025helix/",
  "/api/papers/synthetic4242/",
  "/api/papers/synthetic77777/",
  "/api/categories/",
  "/api/compare/?category=intra-pipeline&format=csv",
  "/api/papers/park2020hetpipe/bibtex",
}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d rps=%.1f p50_ms=%.1f p99_ms=%.1f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
