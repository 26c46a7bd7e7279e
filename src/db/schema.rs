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

diesel::table! {
    assemblies (id) {
        id -> BigInt,
        title -> Text,
        kind -> Text,
        starts_at -> Timestamp,
        place -> Text,
        remote -> Bool,
        remote_url -> Nullable<Text>,
        call_number -> BigInt,
        first_call_id -> Nullable<BigInt>,
        status -> Text,
        convened_at -> Nullable<Timestamp>,
        notice_overridden -> Bool,
        opened_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        chair -> Nullable<Text>,
        secretary -> Nullable<Text>,
        scrutineers -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    voters (assembly_id, associate_id) {
        assembly_id -> BigInt,
        associate_id -> BigInt,
        college_id -> BigInt,
        category -> Text,
    }
}

diesel::table! {
    attendance (assembly_id, associate_id) {
        assembly_id -> BigInt,
        associate_id -> BigInt,
        mode -> Text,
        proxy_holder_id -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    attendance_events (id) {
        id -> BigInt,
        assembly_id -> BigInt,
        associate_id -> BigInt,
        mode -> Text,
        proxy_holder_id -> Nullable<BigInt>,
        at -> Timestamp,
    }
}

diesel::table! {
    resolutions (id) {
        id -> BigInt,
        assembly_id -> BigInt,
        number -> BigInt,
        title -> Text,
        text -> Text,
        majority -> Text,
        weighted -> Bool,
        secret -> Bool,
        board_approved -> Bool,
        status -> Text,
        opened_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        quorum -> Nullable<Text>,
        chain_head -> Text,
        ballot_count -> BigInt,
        result -> Nullable<Text>,
    }
}

diesel::table! {
    participations (resolution_id, associate_id) {
        resolution_id -> BigInt,
        associate_id -> BigInt,
        cast_by -> Nullable<BigInt>,
        cast_via -> Nullable<Text>,
    }
}

diesel::table! {
    ballots (id) {
        id -> Text,
        resolution_id -> BigInt,
        receipt -> Text,
        choice -> Text,
        college_id -> BigInt,
        associate_id -> Nullable<BigInt>,
        position -> Nullable<BigInt>,
    }
}

diesel::table! {
    voting_tokens (token_hash) {
        token_hash -> Text,
        assembly_id -> BigInt,
        associate_id -> BigInt,
        purpose -> Text,
        issued_at -> Timestamp,
        issued_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    convocations (id) {
        id -> BigInt,
        assembly_id -> BigInt,
        associate_id -> BigInt,
        email -> Text,
        message_id -> Nullable<Text>,
        error -> Nullable<Text>,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    minutes (assembly_id, version) {
        assembly_id -> BigInt,
        version -> BigInt,
        status -> Text,
        documents -> Text,
        debates -> Text,
        signatures -> Text,
        content -> Nullable<Text>,
        digest -> Nullable<Text>,
        model -> Nullable<Text>,
        created_at -> Timestamp,
        signed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        email -> Text,
        address -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    login_refusals (id) {
        id -> BigInt,
        key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    login_links (token_hash) {
        token_hash -> Text,
        account_id -> BigInt,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_link_requests (id) {
        id -> BigInt,
        email -> Text,
        address -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        template -> Text,
        letter -> Nullable<Text>,
        to_email -> Text,
        to_name -> Text,
        assembly_id -> Nullable<BigInt>,
        associate_id -> Nullable<BigInt>,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        message_id -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    second_factors (account_id) {
        account_id -> BigInt,
        secret -> Text,
        last_step -> BigInt,
        enrolled_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (code_hash) {
        code_hash -> Text,
        account_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pending_logins (id_hash) {
        id_hash -> Text,
        account_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> accounts (account_id));
diesel::joinable!(voters -> associates (associate_id));
diesel::joinable!(resolutions -> assemblies (assembly_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(login_links -> accounts (account_id));
diesel::joinable!(associates -> colleges (college_id));
diesel::joinable!(second_factors -> accounts (account_id));
diesel::joinable!(recovery_codes -> accounts (account_id));
diesel::joinable!(pending_logins -> accounts (account_id));

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
    assemblies,
    voters,
    attendance,
    attendance_events,
    resolutions,
    participations,
    ballots,
    voting_tokens,
    convocations,
    login_attempts,
    login_refusals,
    login_links,
    login_link_requests,
    minutes,
    mail_outbox,
    second_factors,
    recovery_codes,
    pending_logins,
);
