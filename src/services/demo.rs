//! `scrutin demo`: fills an empty database with the reference cooperative,
//! so a newcomer can click through every role in a minute. Everything goes
//! through the services, so every legal check applies to the demonstration
//! data as to real data.

use crate::db::models::account::Role;
use crate::db::models::associate::Associate;
use crate::db::models::history;
use crate::db::{DbConn, write_transaction};
use crate::domain::tally::Choice;
use crate::error::AppError;
use crate::services::assemblies::{self, AssemblyInput};
use crate::services::associates::{self, AdmissionInput};
use crate::services::attendance::{self, AttendanceInput};
use crate::services::cooperative::{self, CollegeInput, CooperativePatch};
use crate::services::shares::{self, MovementInput};
use crate::services::voting::{self, Caster, ResolutionInput};
use crate::services::{accounts, secrets};

pub struct DemoLogin {
    pub role: &'static str,
    pub email: String,
    pub password: String,
}

pub struct DemoReport {
    pub associates: usize,
    pub past_assembly: i64,
    pub upcoming_assembly: i64,
    pub logins: Vec<DemoLogin>,
}

const ADMIN_EMAIL: &str = "admin@demo.scrutin.coop";
const SECRETARY_EMAIL: &str = "secretariat@demo.scrutin.coop";

/// The five colleges of the reference SCIC and their weights (percent).
const COLLEGES: [(&str, &str); 5] = [
    ("Salariés", "30"),
    ("Usagers", "25"),
    ("Club Cigales", "15"),
    ("Autonomie & Solidarité", "15"),
    ("Collectivités territoriales", "15"),
];

const FIRST: [&str; 20] = [
    "Camille", "Léa", "Hugo", "Manon", "Lucas", "Chloé", "Nathan", "Inès", "Louis", "Jade",
    "Gabriel", "Sarah", "Arthur", "Zoé", "Jules", "Emma", "Paul", "Lina", "Théo", "Rose",
];
const LAST: [&str; 20] = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard",
];

/// One associate to admit: (name, kind, representative, category, shares).
struct Member {
    name: String,
    entity: bool,
    representative: Option<String>,
    category: &'static str,
    shares: i64,
}

fn person(i: usize, category: &'static str, shares: i64) -> Member {
    Member {
        // 7 is prime to 20: twenty distinct names per block of twenty, and
        // the next block shifted by one, so nobody is admitted twice.
        name: format!("{} {}", FIRST[i % 20], LAST[(i * 7 + 3 + i / 20) % 20]),
        entity: false,
        representative: None,
        category,
        shares,
    }
}

fn entity(name: &str, i: usize, category: &'static str, shares: i64) -> Member {
    Member {
        name: name.to_string(),
        entity: true,
        representative: Some(format!(
            "{} {}",
            FIRST[(i + 5) % 20],
            LAST[(i * 3 + 1) % 20]
        )),
        category,
        shares,
    }
}

/// About sixty associates, college by college (same order as `COLLEGES`).
fn members() -> Vec<Vec<Member>> {
    let employees = (0..14).map(|i| person(i, "employee", 4)).collect();
    let users = (14..34)
        .map(|i| person(i, "beneficiary", 1 + (i as i64 % 3)))
        .collect();
    let cigales = [
        "Club Cigales des Pentes",
        "Club Cigales de la Croix-Rousse",
        "Club Cigales du Beaujolais",
        "Club Cigales Rhône Sud",
        "Club Cigales de Villeurbanne",
        "Club Cigales des Monts d'Or",
        "Club Cigales Confluence",
        "Club Cigales du Pilat",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| entity(n, i, "other", 6))
    .collect();
    let mut solidarity: Vec<Member> = (34..40).map(|i| person(i, "volunteer", 1)).collect();
    for (i, n) in [
        "Association Bien Vieillir Ensemble",
        "Réseau Aidants 69",
        "Entraide Handicap Rhône",
        "Épicerie solidaire Le Panier",
    ]
    .iter()
    .enumerate()
    {
        solidarity.push(entity(n, i + 10, "producer", 3));
    }
    let authorities = vec![
        entity("Commune de Villeurbanne", 20, "local_authority", 10),
        entity("Commune de Vaulx-en-Velin", 21, "local_authority", 6),
        entity("Métropole de Lyon", 22, "local_authority", 12),
        entity("Département du Rhône", 23, "local_authority", 8),
        entity("Commune de Givors", 24, "local_authority", 4),
        entity(
            "Centre communal d'action sociale de Lyon",
            25,
            "public_body",
            4,
        ),
    ];
    vec![employees, users, cigales, solidarity, authorities]
}

/// A demonstration password: random, printed once.
fn password() -> String {
    format!("demo-{}", &secrets::random_token()[..14])
}

fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'ô' => 'o',
            'ï' | 'î' => 'i',
            'ç' => 'c',
            'ù' | 'û' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('.') && !s.is_empty() {
            s.push('.');
        }
    }
    s.trim_end_matches('.').to_string()
}

fn ballot(choice: Choice, i: usize) -> Choice {
    // A few votes against and abstentions, deterministically.
    match i % 9 {
        4 => Choice::Against,
        7 => Choice::Abstain,
        _ => choice,
    }
}

/// Fills an empty database, all or nothing. Refuses (and changes nothing)
/// if there already are associates.
pub fn fill(conn: &mut DbConn) -> Result<DemoReport, AppError> {
    write_transaction(conn, fill_empty)
}

fn fill_empty(conn: &mut DbConn) -> Result<DemoReport, AppError> {
    if !Associate::list(conn, &Default::default())?.is_empty() {
        return Err(AppError::conflict(
            "not_empty",
            "the database already holds associates: `scrutin demo` only fills an empty database",
        ));
    }
    let account = |conn: &mut DbConn, email: &str, password: &str, role: Role| {
        accounts::create_account(conn, email, password, role).map_err(AppError::bad_request)
    };
    let admin_password = password();
    let admin = account(conn, ADMIN_EMAIL, &admin_password, Role::Admin)?;
    let secretary_password = password();
    let secretary = account(conn, SECRETARY_EMAIL, &secretary_password, Role::Secretary)?;

    cooperative::update(
        conn,
        admin,
        CooperativePatch {
            name: Some("SCIC Les Communs du Rhône".into()),
            registered_office: Some("12 rue de la Coopération, 69100 Villeurbanne".into()),
            share_value_cents: Some(5_000),
            ..Default::default()
        },
    )?;
    let colleges = cooperative::replace_colleges(
        conn,
        admin,
        COLLEGES
            .iter()
            .map(|(name, weight)| CollegeInput {
                id: None,
                name: (*name).into(),
                weight: (*weight).into(),
            })
            .collect(),
    )?;

    // The associates, their subscriptions and payments.
    let associate_password = password();
    let mut associate_email = String::new();
    let mut admitted: Vec<i64> = Vec::new();
    for (c, group) in members().into_iter().enumerate() {
        let college = colleges[c].id;
        for (i, m) in group.into_iter().enumerate() {
            let n = admitted.len();
            let email = format!("{}@demo.scrutin.coop", slug(&m.name));
            // The first user of the services gets the associate's login.
            let login = (c == 1 && i == 0).then(|| associate_password.clone());
            if login.is_some() {
                associate_email = email.clone();
            }
            let admitted_on = format!("{}-{:02}-{:02}", 2022 + n % 3, 1 + n % 12, 1 + n % 27);
            let view = associates::admit(
                conn,
                Some(admin),
                &AdmissionInput {
                    name: m.name.clone(),
                    email,
                    kind: if m.entity { "entity" } else { "person" }.into(),
                    representative: m.representative.clone(),
                    address: format!("{} avenue des Coopératives, 69100 Villeurbanne", n + 1),
                    category: m.category.into(),
                    college_id: college,
                    admitted_on: admitted_on.clone(),
                    password: login,
                },
            )?;
            shares::record(
                conn,
                Some(admin),
                view.id,
                &MovementInput {
                    movement: "subscription".into(),
                    shares: m.shares,
                    amount_cents: None,
                    on: admitted_on.clone(),
                    to_associate_id: None,
                },
            )?;
            // Most pay in full at once; one in five has paid half so far.
            let due = m.shares * 5_000;
            let paid = if n % 5 == 3 { due / 2 } else { due };
            shares::record(
                conn,
                Some(admin),
                view.id,
                &MovementInput {
                    movement: "payment".into(),
                    shares: 0,
                    amount_cents: Some(paid),
                    on: admitted_on,
                    to_associate_id: None,
                },
            )?;
            admitted.push(view.id);
        }
    }

    // The past assembly: convened today with the notice overridden (its
    // date is past), held, voted, closed; then every row gets the date it
    // would have had.
    let past = assemblies::create(
        conn,
        Some(secretary),
        &AssemblyInput {
            title: "Assemblée générale ordinaire 2025 — comptes 2024".into(),
            kind: "ordinary".into(),
            starts_at: "2025-06-14T10:00:00+02:00".into(),
            place: "Maison de la coopération, Villeurbanne".into(),
            call: 1,
            remote: None,
            remote_url: None,
            first_call_id: None,
            chair: Some("Camille Durand".into()),
            secretary: Some("Hugo Petit".into()),
            scrutineers: vec!["Léa Moreau".into(), "Lucas Simon".into()],
        },
    )?
    .id;
    let adopted = [
        (
            "Approbation des comptes de l'exercice 2024",
            "L'assemblée générale approuve les comptes de l'exercice clos le 31 décembre 2024.",
        ),
        (
            "Affectation du résultat",
            "L'assemblée affecte l'excédent de l'exercice aux réserves impartageables.",
        ),
        (
            "Quitus au conseil d'administration",
            "L'assemblée donne quitus aux administrateurs pour leur gestion de l'exercice 2024.",
        ),
    ];
    let mut past_resolutions = Vec::new();
    for (title, text) in adopted {
        past_resolutions.push(
            voting::create(
                conn,
                Some(secretary),
                past,
                &ResolutionInput {
                    title: title.into(),
                    text: text.into(),
                    majority: "ordinary".into(),
                    weighted: Some(true),
                    secret: false,
                    board_approved: Some(true),
                },
            )?
            .id,
        );
    }
    assemblies::convene(conn, Some(secretary), past, true)?;
    // Four in five come; among the others, every second one gives a proxy.
    let mut voters = Vec::new();
    for (i, id) in admitted.iter().enumerate() {
        let input = if i % 5 != 4 {
            voters.push(*id);
            AttendanceInput {
                mode: "present".into(),
                proxy_holder_id: None,
            }
        } else if i % 10 == 4 {
            AttendanceInput {
                mode: "represented".into(),
                proxy_holder_id: Some(admitted[0]),
            }
        } else {
            continue;
        };
        attendance::set(conn, Some(secretary), past, *id, &input)?;
    }
    assemblies::open(conn, Some(secretary), past)?;
    for r in &past_resolutions {
        voting::open(conn, Some(secretary), *r)?;
        for (i, id) in voters.iter().enumerate() {
            let caster = Caster {
                associate_id: *id,
                only_assembly: None,
            };
            voting::cast(conn, caster, *r, ballot(Choice::For, i + *r as usize), None)?;
        }
        voting::close(conn, Some(secretary), *r)?;
    }
    assemblies::close(conn, Some(secretary), past)?;
    // Held on 14 June 2025 at 10 h (Paris): convened a month before (the
    // SA's notice is 15 days), the desk open from 9 h 40, one resolution
    // every quarter of an hour, closed at 11 h 40.
    let at = |day: u32, h: u32, m: u32| {
        chrono::NaiveDate::from_ymd_opt(2025, 6, day)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("a demo date is invalid")))
    };
    let created_at = at(2, 9, 0)? - chrono::Duration::days(20);
    let convened_at = created_at + chrono::Duration::days(1);
    let dates = history::HeldDates {
        created_at,
        convened_at,
        signed_from: at(14, 7, 40)?,
        opened_at: at(14, 8, 2)?,
        resolutions: past_resolutions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let opened = at(14, 8, 10)? + chrono::Duration::minutes(15 * i as i64);
                Ok((*r, opened, opened + chrono::Duration::minutes(9)))
            })
            .collect::<Result<_, AppError>>()?,
        closed_at: at(14, 9, 40)?,
    };
    history::redate_held_assembly(conn, past, &dates)?;

    // The upcoming one, in six weeks, with its draft resolutions.
    let starts_at = (chrono::Local::now() + chrono::Duration::days(42))
        .format("%Y-%m-%dT18:30:00%:z")
        .to_string();
    let upcoming = assemblies::create(
        conn,
        Some(secretary),
        &AssemblyInput {
            title: "Assemblée générale mixte 2026".into(),
            kind: "combined".into(),
            starts_at,
            place: "Salle des fêtes, Vaulx-en-Velin".into(),
            call: 1,
            remote: Some(false),
            remote_url: None,
            first_call_id: None,
            chair: None,
            secretary: None,
            scrutineers: vec![],
        },
    )?
    .id;
    for (title, text, majority) in [
        (
            "Approbation des comptes de l'exercice 2025",
            "L'assemblée générale approuve les comptes de l'exercice clos le 31 décembre 2025.",
            "ordinary",
        ),
        (
            "Renouvellement du conseil d'administration",
            "L'assemblée élit pour trois ans les administrateurs candidats.",
            "ordinary",
        ),
        (
            "Modification de l'article 12 des statuts",
            "L'assemblée porte la valeur nominale de la part sociale de 50 à 100 euros.",
            "extraordinary",
        ),
    ] {
        voting::create(
            conn,
            Some(secretary),
            upcoming,
            &ResolutionInput {
                title: title.into(),
                text: text.into(),
                majority: majority.into(),
                weighted: Some(true),
                secret: false,
                board_approved: Some(true),
            },
        )?;
    }
    Ok(DemoReport {
        associates: admitted.len(),
        past_assembly: past,
        upcoming_assembly: upcoming,
        logins: vec![
            DemoLogin {
                role: "admin",
                email: ADMIN_EMAIL.into(),
                password: admin_password,
            },
            DemoLogin {
                role: "secretary",
                email: SECRETARY_EMAIL.into(),
                password: secretary_password,
            },
            DemoLogin {
                role: "associate",
                email: associate_email,
                password: associate_password,
            },
        ],
    })
}
