-- wrk's `done` hook for benchmarks/_wrk.py: one line of JSON after the marker, times in µs.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, '
    .. '"p50_us": %.0f, "p99_us": %.0f, "max_us": %.0f, "errors": {"connect": %.0f, '
    .. '"read": %.0f, "write": %.0f, "status": %.0f, "timeout": %.0f}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
