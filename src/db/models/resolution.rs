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

/// Records that an associate took part: 1, or 0 if they already had (the
/// primary key refuses a second time).
pub fn insert_participation(
    conn: &mut DbConn,
    resolution_id: i64,
    associate_id: i64,
) -> QueryResult<usize> {
    let values = (
        participations::resolution_id.eq(resolution_id),
        participations::associate_id.eq(associate_id),
    );
    on_backend!(conn, |c| diesel::insert_into(participations::table)
        .values(values)
        .on_conflict_do_nothing()
        .execute(c))
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

/// Rewrites a closed secret resolution's participations and ballots so
/// that the order they were written in is gone (docs/secret-ballot.md): in
/// the caller's transaction, each table's rows of the resolution are copied
/// whole to a temporary table (every column, so a column added later is
/// carried too), deleted, and inserted back in key order — associate for
/// participations, the random id for ballots. On PostgreSQL they then share
/// one `xmin` and their `ctid`s follow the key; on SQLite the cells are
/// written again in key order (`secure_delete` zeroes the old ones).
/// [`scrub_storage`] finishes the job after the commit.
pub fn rewrite_in_key_order(conn: &mut DbConn, resolution_id: i64) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    // An i64 formatted into SQL: no text from outside reaches it.
    let id = resolution_id;
    // PostgreSQL drops the copies at commit; SQLite has no ON COMMIT DROP.
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    let on_commit = if sqlite { "" } else { " ON COMMIT DROP" };
    let mut sql = String::new();
    for (table, key) in [("participations", "associate_id"), ("ballots", "id")] {
        let copy = format!("scrutin_rewrite_{table}");
        sql.push_str(&format!(
            "CREATE TEMP TABLE {copy}{on_commit} AS SELECT * FROM {table} WHERE resolution_id = {id};
             DELETE FROM {table} WHERE resolution_id = {id};
             INSERT INTO {table} SELECT * FROM {copy} ORDER BY {key};\n"
        ));
        if sqlite {
            sql.push_str(&format!("DROP TABLE {copy};\n"));
        }
    }
    conn.batch_execute(&sql)
}

/// After a secret resolution's close is committed (never inside a
/// transaction): leaves no trace of the order in which its rows were
/// written anywhere in the storage.
///
/// SQLite: `VACUUM` rebuilds every b-tree — the tables and their indexes —
/// in key order into fresh pages. Rewriting the rows (above) is not enough
/// on its own: SQLite puts a new cell into the first free slot of its page
/// that fits, and an index keeps its cells where they were first written,
/// so within a page the cells' offsets would still follow the cast order.
/// Then the WAL, which holds every page as it was written during the vote,
/// is checkpointed and truncated to zero bytes. The cost: a copy of the
/// whole file, during which other writers wait (readers do not).
///
/// PostgreSQL: `CLUSTER` on the primary key, for both tables. Plain
/// `VACUUM` would leave the dead tuples' bytes in the pages' free space
/// until overwritten (it only marks the space free) and the index tuples
/// where they were first written; `VACUUM FULL` writes a new copy of the
/// table and its indexes without dead tuples but keeps the heap's current
/// order. `CLUSTER` is `VACUUM FULL` writing in key order, so the `ctid`s
/// follow the key whatever free space the rows were inserted into; it keeps
/// `xmin`. Its cost: an ACCESS EXCLUSIVE lock on each table while it is
/// copied, so reads and ballots of other resolutions wait for it (a
/// fraction of a second for a hundred thousand rows); `lock_timeout` keeps
/// it from queueing everyone behind a long reader.
pub fn scrub_storage(conn: &mut DbConn) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Sqlite(c) => {
            c.batch_execute("VACUUM")?;
            #[derive(QueryableByName)]
            struct Checkpoint {
                #[diesel(sql_type = diesel::sql_types::Integer)]
                busy: i32,
            }
            let done: Checkpoint =
                diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").get_result(c)?;
            if done.busy != 0 {
                tracing::warn!(
                    "the WAL could not be truncated after a secret vote: a reader held it; it will be at the next checkpoint"
                );
            }
            Ok(())
        }
        DbConn::Postgres(c) => {
            c.batch_execute("SET lock_timeout = '10s'")?;
            // One statement each: each table's lock is held only while it
            // is copied.
            let clustered = c
                .batch_execute("CLUSTER participations USING participations_pkey")
                .and_then(|_| c.batch_execute("CLUSTER ballots USING ballots_pkey"));
            c.batch_execute("RESET lock_timeout")?;
            clustered
        }
    }
}
