DROP TABLE sessions;
DROP TABLE audit_log;
DROP TABLE share_movements;
DROP TABLE associates;
DROP TABLE colleges;
DROP TABLE cooperative;
