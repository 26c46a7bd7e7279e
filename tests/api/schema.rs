use crate::helpers::TestApp;

both_backends!(every_table_loads_through_the_one_schema);

/// Migrates the backend (the server did at start), puts rows in the tables
/// through the real routes, then loads every table through `schema.rs`: a
/// column that differs between the two dialects fails here.
async fn every_table_loads_through_the_one_schema(app: TestApp) {
    let _token = app.admin_token().await;
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let rows = scrutin::db::models::load_every_table(&mut conn)
        .unwrap_or_else(|e| panic!("{:?}: a table does not match schema.rs: {e}", app.backend()));
    assert!(
        rows >= 3,
        "settings, accounts and tokens hold rows ({rows})"
    );
}
