use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::accounts;
use crate::on_backend;

/// Who may do what: an administrator keeps the register, a secretary runs
/// assemblies, an associate votes and reads their own record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Secretary,
    Associate,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Secretary => "secretary",
            Role::Associate => "associate",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "secretary" => Some(Role::Secretary),
            "associate" => Some(Role::Associate),
            _ => None,
        }
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub associate_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl Account {
    pub fn role(&self) -> Role {
        // The CHECK constraint keeps `role` to the three known values.
        Role::parse(&self.role).unwrap_or(Role::Associate)
    }

    /// Whether this account's access has ended: an associate's account
    /// stops working when the associate leaves the cooperative (withdrawn,
    /// excluded, deceased). Staff accounts are not concerned.
    pub fn access_ended(&self, conn: &mut DbConn) -> QueryResult<bool> {
        match (self.role(), self.associate_id) {
            (Role::Associate, Some(associate_id)) => Ok(
                !crate::db::models::associate::Associate::is_active(conn, associate_id)?,
            ),
            _ => Ok(false),
        }
    }

    pub fn by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<Account>> {
        accounts::table
            .filter(accounts::email.eq(email))
            .select(Account::as_select())
            .first(conn)
            .optional()
    }

    pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Account>> {
        accounts::table
            .find(id)
            .select(Account::as_select())
            .first(conn)
            .optional()
    }

    pub fn all_for_check(conn: &mut DbConn) -> QueryResult<usize> {
        Ok(accounts::table
            .select(Account::as_select())
            .limit(5)
            .load(conn)?
            .len())
    }

    /// The administrators' and secretaries' accounts, oldest first.
    pub fn staff(conn: &mut DbConn) -> QueryResult<Vec<Account>> {
        accounts::table
            .filter(accounts::role.ne(Role::Associate.as_str()))
            .order(accounts::id)
            .select(Account::as_select())
            .load(conn)
    }

    pub fn count_admins(conn: &mut DbConn) -> QueryResult<i64> {
        accounts::table
            .filter(accounts::role.eq(Role::Admin.as_str()))
            .count()
            .get_result(conn)
    }

    pub fn link_associate(conn: &mut DbConn, id: i64, associate_id: i64) -> QueryResult<usize> {
        diesel::update(accounts::table.find(id))
            .set(accounts::associate_id.eq(associate_id))
            .execute(conn)
    }

    /// Creates the account, or gives an existing one this role and password.
    pub fn upsert(
        conn: &mut DbConn,
        email: &str,
        password_hash: &str,
        role: Role,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        conn.transaction(|conn| {
            if let Some(existing) = Account::by_email(conn, email)? {
                diesel::update(accounts::table.find(existing.id))
                    .set((
                        accounts::password_hash.eq(password_hash),
                        accounts::role.eq(role.as_str()),
                    ))
                    .execute(conn)?;
                return Ok(existing.id);
            }
            let values = (
                accounts::email.eq(email),
                accounts::password_hash.eq(password_hash),
                accounts::role.eq(role.as_str()),
                accounts::created_at.eq(now),
            );
            on_backend!(conn, |c| diesel::insert_into(accounts::table)
                .values(values)
                .returning(accounts::id)
                .get_result(c))
        })
    }
}
