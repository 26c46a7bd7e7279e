-- Live screens in every scrutin process learn that an assembly changed
-- (ballots, attendance, opening and closing) through LISTEN/NOTIFY, so a
-- screen served by one process follows what another process wrote. The
-- payload is the assembly's id; PostgreSQL delivers it at commit, once per
-- transaction for equal payloads.
CREATE FUNCTION scrutin_live_notify() RETURNS trigger AS $$
DECLARE
    touched jsonb := CASE TG_OP WHEN 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
BEGIN
    PERFORM pg_notify('scrutin_live', touched ->> TG_ARGV[0]);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER assemblies_live AFTER INSERT OR UPDATE OR DELETE ON assemblies
    FOR EACH ROW EXECUTE FUNCTION scrutin_live_notify('id');
CREATE TRIGGER resolutions_live AFTER INSERT OR UPDATE OR DELETE ON resolutions
    FOR EACH ROW EXECUTE FUNCTION scrutin_live_notify('assembly_id');
CREATE TRIGGER attendance_live AFTER INSERT OR UPDATE OR DELETE ON attendance
    FOR EACH ROW EXECUTE FUNCTION scrutin_live_notify('assembly_id');
