use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::associates;
use crate::on_backend;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = associates)]
pub struct Associate {
    pub id: i64,
    pub number: i64,
    pub kind: String,
    pub name: String,
    pub representative: Option<String>,
    pub email: String,
    pub address: String,
    pub category: String,
    pub college_id: i64,
    pub admitted_on: NaiveDate,
    pub status: String,
    pub status_on: Option<NaiveDate>,
    pub status_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = associates)]
pub struct NewAssociate {
    pub number: i64,
    pub kind: String,
    pub name: String,
    pub representative: Option<String>,
    pub email: String,
    pub address: String,
    pub category: String,
    pub college_id: i64,
    pub admitted_on: NaiveDate,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The editable identity fields; `None` leaves a field as it is.
#[derive(AsChangeset, Default, Clone, Debug)]
#[diesel(table_name = associates)]
pub struct AssociateChanges {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub representative: Option<Option<String>>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub category: Option<String>,
    pub college_id: Option<i64>,
    pub admitted_on: Option<NaiveDate>,
    pub status: Option<String>,
    pub status_on: Option<Option<NaiveDate>>,
    pub status_reason: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Default, Clone, Debug)]
pub struct AssociateFilter {
    pub college_id: Option<i64>,
    pub status: Option<String>,
    pub category: Option<String>,
    /// Matched against the name, the representative and the e-mail.
    pub search: Option<String>,
}

impl Associate {
    pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Associate>> {
        associates::table
            .find(id)
            .select(Associate::as_select())
            .first(conn)
            .optional()
    }

    /// Whether the associate is still a member (`active`): one who has
    /// withdrawn, been excluded or died has no access any more (their
    /// account, links and voting cards stop working). `false` for no such
    /// associate.
    pub fn is_active(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
        let status: Option<String> = associates::table
            .find(id)
            .select(associates::status)
            .first(conn)
            .optional()?;
        Ok(status.as_deref() == Some("active"))
    }

    /// The names of some associates, in one query.
    pub fn names(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
        associates::table
            .filter(associates::id.eq_any(ids))
            .select((associates::id, associates::name))
            .load(conn)
    }

    pub fn list(conn: &mut DbConn, filter: &AssociateFilter) -> QueryResult<Vec<Associate>> {
        let mut query = associates::table
            .select(Associate::as_select())
            .order(associates::number.asc())
            .into_boxed();
        if let Some(college) = filter.college_id {
            query = query.filter(associates::college_id.eq(college));
        }
        if let Some(status) = &filter.status {
            query = query.filter(associates::status.eq(status.clone()));
        }
        if let Some(category) = &filter.category {
            query = query.filter(associates::category.eq(category.clone()));
        }
        let mut rows = query.load(conn)?;
        // Case- and accent-insensitive search is done here rather than in SQL,
        // where the two backends disagree on collation.
        if let Some(term) = filter.search.as_deref().map(fold).filter(|t| !t.is_empty()) {
            rows.retain(|a| {
                fold(&a.name).contains(&term)
                    || fold(&a.email).contains(&term)
                    || a.representative
                        .as_deref()
                        .map(fold)
                        .is_some_and(|r| r.contains(&term))
                    || a.number.to_string() == term
            });
        }
        Ok(rows)
    }

    /// The next associate number: one more than the highest ever given.
    /// Nobody is deleted, so a number is never reused.
    pub fn next_number(conn: &mut DbConn) -> QueryResult<i64> {
        let max: Option<i64> = associates::table
            .select(diesel::dsl::max(associates::number))
            .first(conn)?;
        Ok(max.unwrap_or(0) + 1)
    }

    pub fn insert(conn: &mut DbConn, new: &NewAssociate) -> QueryResult<i64> {
        on_backend!(conn, |c| diesel::insert_into(associates::table)
            .values(new)
            .returning(associates::id)
            .get_result(c))
    }

    pub fn update(conn: &mut DbConn, id: i64, changes: &AssociateChanges) -> QueryResult<usize> {
        diesel::update(associates::table.find(id))
            .set(changes)
            .execute(conn)
    }
}

/// Lower-case without the common French accents, for search.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}
