DROP TRIGGER attendance_live ON attendance;
DROP TRIGGER resolutions_live ON resolutions;
DROP TRIGGER assemblies_live ON assemblies;
DROP FUNCTION scrutin_live_notify();
