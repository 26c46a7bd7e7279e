use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{ballots, participations, resolutions};
use crate::on_backend;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = resolutions)]
pub struct Resolution {
    pub id: i64,
    pub assembly_id: i64,
    pub number: i64,
    pub title: String,
    pub text: String,
    pub majority: String,
    pub weighted: bool,
    pub secret: bool,
    pub board_approved: bool,
    pub status: String,
    pub opened_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    /// The quorum at the moment the resolution opened (JSON).
    pub quorum: Option<String>,
    pub chain_head: String,
    pub ballot_count: i64,
    /// The frozen result (JSON), once closed.
    pub result: Option<String>,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = resolutions)]
pub struct NewResolution {
    pub assembly_id: i64,
    pub number: i64,
    pub title: String,
    pub text: String,
    pub majority: String,
    pub weighted: bool,
    pub secret: bool,
    pub board_approved: bool,
    pub status: String,
    pub chain_head: String,
    pub ballot_count: i64,
}

/// A ballot as published after closing (no voter for a secret ballot).
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = ballots)]
pub struct Ballot {
    pub id: String,
    pub resolution_id: i64,
    pub receipt: String,
    pub choice: String,
    pub college_id: i64,
    pub associate_id: Option<i64>,
    /// The place in the chain of a named ballot; none for a secret one,
    /// whose chain is built at close in receipt order.
    pub position: Option<i64>,
}

impl Resolution {
    pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Resolution>> {
        resolutions::table
            .find(id)
            .select(Resolution::as_select())
            .first(conn)
            .optional()
    }

    pub fn of_assembly(conn: &mut DbConn, assembly_id: i64) -> QueryResult<Vec<Resolution>> {
        resolutions::table
            .filter(resolutions::assembly_id.eq(assembly_id))
            .order(resolutions::number.asc())
            .select(Resolution::as_select())
            .load(conn)
    }

    pub fn next_number(conn: &mut DbConn, assembly_id: i64) -> QueryResult<i64> {
        let max: Option<i64> = resolutions::table
            .filter(resolutions::assembly_id.eq(assembly_id))
            .select(diesel::dsl::max(resolutions::number))
            .first(conn)?;
        Ok(max.unwrap_or(0) + 1)
    }

    pub fn insert(conn: &mut DbConn, new: &NewResolution) -> QueryResult<i64> {
        on_backend!(conn, |c| diesel::insert_into(resolutions::table)
            .values(new)
            .returning(resolutions::id)
            .get_result(c))
    }

    pub fn set_chain_head(conn: &mut DbConn, id: i64, head: &str) -> QueryResult<usize> {
        diesel::update(resolutions::table.find(id))
            .set(resolutions::chain_head.eq(head))
            .execute(conn)
    }

    pub fn mark_opened(
        conn: &mut DbConn,
        id: i64,
        at: NaiveDateTime,
        quorum: &str,
    ) -> QueryResult<usize> {
        diesel::update(resolutions::table.find(id))
            .set((
                resolutions::status.eq("open"),
                resolutions::opened_at.eq(at),
                resolutions::quorum.eq(quorum),
            ))
            .execute(conn)
    }

    pub fn mark_closed(
        conn: &mut DbConn,
        id: i64,
        at: NaiveDateTime,
        head: &str,
        count: i64,
        result: &str,
    ) -> QueryResult<usize> {
        diesel::update(resolutions::table.find(id))
            .set((
                resolutions::status.eq("closed"),
                resolutions::closed_at.eq(at),
                resolutions::chain_head.eq(head),
                resolutions::ballot_count.eq(count),
                resolutions::result.eq(result),
            ))
            .execute(conn)
    }

    /// Moves the chain forward by the ballots just written.
    pub fn advance(conn: &mut DbConn, id: i64, head: &str, count: i64) -> QueryResult<usize> {
        diesel::update(resolutions::table.find(id))
            .set((
                resolutions::chain_head.eq(head),
                resolutions::ballot_count.eq(count),
            ))
            .execute(conn)
    }
}

/// Records that an associate took part, and who cast their ballot (the
/// caster's associate id, `None` for a blank proxy or a postal form) and
/// how: 1, or 0 if they already had (the primary key refuses a second
/// time). Never the receipt nor the choice: for a secret resolution nothing
/// links the participation to its ballot.
pub fn insert_participation(
    conn: &mut DbConn,
    resolution_id: i64,
    associate_id: i64,
    cast_by: Option<i64>,
    cast_via: &str,
) -> QueryResult<usize> {
    let values = (
        participations::resolution_id.eq(resolution_id),
        participations::associate_id.eq(associate_id),
        participations::cast_by.eq(cast_by),
        participations::cast_via.eq(cast_via),
    );
    on_backend!(conn, |c| diesel::insert_into(participations::table)
        .values(values)
        .on_conflict_do_nothing()
        .execute(c))
}

/// One participation of an associate, with its resolution and assembly:
/// what `GET /api/v1/me/ballots` lists.
#[derive(Clone, Debug)]
pub struct OwnParticipation {
    pub assembly_id: i64,
    pub assembly_title: String,
    pub assembly_starts_at: NaiveDateTime,
    pub resolution_id: i64,
    pub number: i64,
    pub title: String,
    pub secret: bool,
    pub status: String,
    pub cast_by: Option<i64>,
    pub cast_via: Option<String>,
}

/// Every resolution an associate took part in (whoever cast the ballot),
/// newest assembly first, then by resolution number.
pub fn participations_of(
    conn: &mut DbConn,
    associate_id: i64,
) -> QueryResult<Vec<OwnParticipation>> {
    use crate::db::schema::assemblies;
    type Row = (
        i64,
        String,
        NaiveDateTime,
        i64,
        i64,
        String,
        bool,
        String,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Row> = participations::table
        .inner_join(resolutions::table.on(resolutions::id.eq(participations::resolution_id)))
        .inner_join(assemblies::table.on(assemblies::id.eq(resolutions::assembly_id)))
        .filter(participations::associate_id.eq(associate_id))
        .order((
            assemblies::starts_at.desc(),
            assemblies::id.desc(),
            resolutions::number.asc(),
        ))
        .select((
            assemblies::id,
            assemblies::title,
            assemblies::starts_at,
            resolutions::id,
            resolutions::number,
            resolutions::title,
            resolutions::secret,
            resolutions::status,
            participations::cast_by,
            participations::cast_via,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| OwnParticipation {
            assembly_id: r.0,
            assembly_title: r.1,
            assembly_starts_at: r.2,
            resolution_id: r.3,
            number: r.4,
            title: r.5,
            secret: r.6,
            status: r.7,
            cast_by: r.8,
            cast_via: r.9,
        })
        .collect())
}

/// The named ballots (never a secret one: those carry no associate) of an
/// associate: `(resolution_id, receipt, choice)`.
pub fn named_ballots_of(
    conn: &mut DbConn,
    associate_id: i64,
) -> QueryResult<Vec<(i64, String, String)>> {
    ballots::table
        .filter(ballots::associate_id.eq(associate_id))
        .select((ballots::resolution_id, ballots::receipt, ballots::choice))
        .load(conn)
}

pub fn has_participated(
    conn: &mut DbConn,
    resolution_id: i64,
    associate_id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        participations::table.find((resolution_id, associate_id)),
    ))
    .get_result(conn)
}

pub fn participants(conn: &mut DbConn, resolution_id: i64) -> QueryResult<Vec<i64>> {
    participations::table
        .filter(participations::resolution_id.eq(resolution_id))
        .select(participations::associate_id)
        .load(conn)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_ballot(
    conn: &mut DbConn,
    id: &str,
    resolution_id: i64,
    receipt: &str,
    choice: &str,
    college_id: i64,
    associate_id: Option<i64>,
    position: Option<i64>,
) -> QueryResult<usize> {
    diesel::insert_into(ballots::table)
        .values((
            ballots::id.eq(id),
            ballots::resolution_id.eq(resolution_id),
            ballots::receipt.eq(receipt),
            ballots::choice.eq(choice),
            ballots::college_id.eq(college_id),
            ballots::associate_id.eq(associate_id),
            ballots::position.eq(position),
        ))
        .execute(conn)
}

/// The ballots of a resolution in chain order: their position for a named
/// resolution, the receipt order for a secret one (no position).
pub fn ballots_of(conn: &mut DbConn, resolution_id: i64) -> QueryResult<Vec<Ballot>> {
    let mut rows: Vec<Ballot> = ballots::table
        .filter(ballots::resolution_id.eq(resolution_id))
        .select(Ballot::as_select())
        .load(conn)?;
    // Sorted here, byte-wise: PostgreSQL would sort text by its locale.
    rows.sort_by(|a, b| (a.position, &a.receipt).cmp(&(b.position, &b.receipt)));
    Ok(rows)
}

/// `(college_id, choice, count)` of a resolution's ballots, counted by the database.
pub fn counts_of(conn: &mut DbConn, resolution_id: i64) -> QueryResult<Vec<(i64, String, i64)>> {
    ballots::table
        .filter(ballots::resolution_id.eq(resolution_id))
        .group_by((ballots::college_id, ballots::choice))
        .select((
            ballots::college_id,
            ballots::choice,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// Rewrites a closed secret resolution's participations and ballots, in
/// the caller's transaction, so that the order they were written in is gone
/// (docs/secret-ballot.md). Rows are copied whole to a temporary table
/// (every column, so a column added later is carried too), removed, and
/// inserted back in key order — associate for participations, the random
/// id for ballots.
///
/// SQLite: the resolution's rows only (`secure_delete` zeroes the old
/// cells); [`scrub_storage`] then rebuilds the file after the commit.
///
/// PostgreSQL: both tables whole, through `TRUNCATE`, which gives each a
/// new file and new indexes at commit. A `DELETE` would leave the old
/// tuples dead in the pages, and `VACUUM` (even `VACUUM FULL` or `CLUSTER`)
/// keeps a dead tuple as long as any snapshot of the server might still
/// see it — under load, the old rows with the old `xmin`s survived it. After
/// the commit the rows are all written by this one transaction (one
/// `xmin`), their `ctid`s follow the key, no dead tuple exists and no
/// vacuum is needed. The cost: the copy of both tables (all resolutions)
/// at each secret close, under an ACCESS EXCLUSIVE lock held until the
/// commit, so reads and ballots of those tables wait meanwhile; the lock is
/// waited for 10 s at most (then the close fails and changes nothing).
pub fn rewrite_in_key_order(conn: &mut DbConn, resolution_id: i64) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    // An i64 formatted into SQL: no text from outside reaches it.
    let id = resolution_id;
    let sql = match conn {
        DbConn::Sqlite(_) => {
            let mut sql = String::new();
            for (table, key) in [("participations", "associate_id"), ("ballots", "id")] {
                let copy = format!("scrutin_rewrite_{table}");
                sql.push_str(&format!(
                    "CREATE TEMP TABLE {copy} AS SELECT * FROM {table} WHERE resolution_id = {id};
                     DELETE FROM {table} WHERE resolution_id = {id};
                     INSERT INTO {table} SELECT * FROM {copy} ORDER BY {key};
                     DROP TABLE {copy};\n"
                ));
            }
            sql
        }
        // Dropped at commit; dropped first too, for a caller that closes
        // several resolutions in one transaction (the demo).
        DbConn::Postgres(_) => "SET LOCAL lock_timeout = '10s';
             DROP TABLE IF EXISTS scrutin_rewrite_participations, scrutin_rewrite_ballots;
             CREATE TEMP TABLE scrutin_rewrite_participations ON COMMIT DROP AS SELECT * FROM participations;
             CREATE TEMP TABLE scrutin_rewrite_ballots ON COMMIT DROP AS SELECT * FROM ballots;
             TRUNCATE participations, ballots;
             INSERT INTO participations SELECT * FROM scrutin_rewrite_participations ORDER BY resolution_id, associate_id;
             INSERT INTO ballots SELECT * FROM scrutin_rewrite_ballots ORDER BY id;"
            .to_string(),
    };
    conn.batch_execute(&sql)
}

/// After a secret resolution's close is committed (never inside a
/// transaction), on SQLite: `VACUUM` rebuilds every b-tree — the tables and
/// their indexes — in key order into fresh pages. Rewriting the rows (above)
/// is not enough on its own: SQLite puts a new cell into the first free slot
/// of its page that fits, and an index keeps its cells where they were first
/// written, so within a page the cells' offsets would still follow the cast
/// order. Then the WAL, which holds every page as it was written during the
/// vote, is checkpointed and truncated to zero bytes. The cost: a copy of
/// the whole file, during which other writers wait (readers do not).
/// PostgreSQL needs nothing more: the rewrite left no dead tuple.
pub fn scrub_storage(conn: &mut DbConn) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    let DbConn::Sqlite(c) = conn else {
        return Ok(());
    };
    c.batch_execute("VACUUM")?;
    #[derive(QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        busy: i32,
    }
    let done: Checkpoint = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").get_result(c)?;
    if done.busy != 0 {
        tracing::warn!(
            "the WAL could not be truncated after a secret vote: a reader held it; it will be at the next checkpoint"
        );
    }
    Ok(())
}
