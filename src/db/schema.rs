// One schema for both dialects, kept by hand: tests/api/schema.rs loads every
// table through it on SQLite and on PostgreSQL, so a drift fails a test.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        associate_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (token_hash) {
        token_hash -> Text,
        account_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(settings, accounts, api_tokens);
