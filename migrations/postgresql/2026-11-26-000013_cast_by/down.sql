ALTER TABLE participations DROP COLUMN cast_via;
ALTER TABLE participations DROP COLUMN cast_by;
