-- wrk script: prints the latency percentiles wrk's own --latency table leaves out (p95),
-- in microseconds, as "P<percent> <us>" lines that bench/run reads.
done = function(summary, latency, requests)
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("P%d %d\n", p, latency:percentile(p)))
  end
end
