-- SQLite has no LISTEN/NOTIFY: live screens poll the file each second
-- (src/services/live_changes.rs). This stamp keeps both dialects in step.
SELECT 1;
