-- The newest publications of yearly reports across all measures (the feeds' report entries).
CREATE INDEX measure_report_versions_by_time ON measure_report_versions (published_at DESC, measure_id, year);
