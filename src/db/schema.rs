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

diesel::table! {
    cooperative (id) {
        id -> BigInt,
        name -> Text,
        legal_form -> Text,
        registered_office -> Text,
        share_value_cents -> BigInt,
        statutory_floor_cents -> BigInt,
        weighted_by_default -> Bool,
        rules -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    colleges (id) {
        id -> BigInt,
        name -> Text,
        weight_num -> BigInt,
        weight_den -> BigInt,
        position -> BigInt,
        retired -> Bool,
    }
}

diesel::table! {
    associates (id) {
        id -> BigInt,
        number -> BigInt,
        kind -> Text,
        name -> Text,
        representative -> Nullable<Text>,
        email -> Text,
        address -> Text,
        category -> Text,
        college_id -> BigInt,
        admitted_on -> Date,
        status -> Text,
        status_on -> Nullable<Date>,
        status_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    share_movements (id) {
        id -> BigInt,
        associate_id -> BigInt,
        kind -> Text,
        shares -> BigInt,
        amount_cents -> BigInt,
        on_date -> Date,
        to_associate_id -> Nullable<BigInt>,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        account_id -> Nullable<BigInt>,
        subject -> Text,
        subject_id -> Nullable<BigInt>,
        action -> Text,
        details -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        account_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> accounts (account_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(associates -> colleges (college_id));

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    accounts,
    api_tokens,
    cooperative,
    colleges,
    associates,
    share_movements,
    audit_log,
    sessions,
);
