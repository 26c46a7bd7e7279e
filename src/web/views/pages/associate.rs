//! `/associates/{id}`: identity, holding, movements and history; for the
//! administrators, the forms to record a movement and a departure.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde::Deserialize;

use crate::db::models::college::College;
use crate::domain::capital::MovementKind;
use crate::domain::register::LeavingReason;
use crate::services::associates::AssociateView;
use crate::services::own_ballots::OwnBallot;
use crate::services::shares::{MovementView, Statement};
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components::{
    self, Problems, category_label, euros, hinted_field, hinted_select, kind_label, status_label,
};
use crate::web::views::layout;
use crate::web::views::pages::associate_history::{
    self, HistoryLine, Names, capitalize, leaving_reason, movement_label,
};

pub struct AssociatePage {
    pub associate: AssociateView,
    pub statement: Statement,
    /// Every associate: id → "n° 3 — Name", to name the other side of a transfer.
    pub names: BTreeMap<i64, String>,
    /// The active associates who may receive a transfer.
    pub recipients: Vec<(i64, String)>,
    pub colleges: Vec<College>,
    pub history: Vec<HistoryLine>,
    /// The ballots cast in the associate's name, on their own page only.
    pub ballots: Option<Vec<OwnBallot>>,
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct MovementValues {
    pub csrf: String,
    pub movement: String,
    pub shares: String,
    pub amount: String,
    pub movement_on: String,
    pub to_associate_id: String,
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct DepartureValues {
    pub csrf: String,
    pub departure_on: String,
    pub reason: String,
}

/// The administrator's two forms, as typed, with their problems.
#[derive(Default)]
pub struct Forms {
    pub movement: MovementValues,
    pub movement_problems: Problems,
    pub departure: DepartureValues,
    pub departure_problems: Problems,
}

pub fn view(
    lang: Lang,
    user: &PageUser,
    p: &AssociatePage,
    forms: Option<&Forms>,
    done: Option<&str>,
) -> Markup {
    let a = &p.associate;
    let title = format!(
        "{} {} — {}",
        lang.tr("Associé n°", "Associate no."),
        a.number,
        a.name
    );
    let college = p
        .colleges
        .iter()
        .find(|c| c.id == a.college_id)
        .map_or("", |c| c.name.as_str());
    let names = Names {
        associates: &p.names,
        colleges: &p.colleges,
    };
    layout::app_page(
        lang,
        user,
        &title,
        html! {
            h1 { (title) }
            (components::flash(lang, done))
            @if forms.is_some() {
                p.actions { a.button href=(format!("/associates/{}/edit", a.id)) { (lang.tr("Modifier", "Edit")) } }
            }
            section aria-labelledby="identity" {
                h2 #identity { (lang.tr("Identité", "Identity")) }
                dl.facts {
                    dt { (lang.tr("Type", "Kind")) } dd { (kind_label(lang, &a.kind)) }
                    @if let Some(r) = &a.representative {
                        dt { (lang.tr("Représentant", "Representative")) } dd { (r) }
                    }
                    dt { (lang.tr("E-mail", "E-mail")) } dd { (a.email) }
                    dt { (lang.tr("Adresse", "Address")) } dd.address { (a.address) }
                    dt { (lang.tr("Catégorie", "Category")) } dd { (category_label(lang, &a.category)) }
                    dt { (lang.tr("Collège", "College")) } dd { (college) }
                    dt { (lang.tr("Admis le", "Admitted on")) } dd { (components::date(lang, a.admitted_on)) }
                    dt { (lang.tr("Statut", "Status")) }
                    dd {
                        (status_label(lang, &a.status))
                        @if let Some(on) = a.status_on { " — " (components::date(lang, on)) }
                        @if let Some(reason) = &a.status_reason { " (" (leaving_reason(lang, reason)) ")" }
                    }
                }
            }
            section aria-labelledby="holding" {
                h2 #holding { (lang.tr("Parts sociales", "Shares")) }
                div.cards {
                    div.card { p { (lang.tr("Parts détenues", "Shares held")) } p.figure { (p.statement.held) } }
                    div.card { p { (lang.tr("Souscrit", "Subscribed")) } p.figure { (euros(lang, p.statement.subscribed_cents)) } }
                    div.card { p { (lang.tr("Libéré", "Paid up")) } p.figure { (euros(lang, p.statement.paid_cents)) } }
                    div.card { p { (lang.tr("Reste à libérer", "Unpaid")) } p.figure { (euros(lang, p.statement.subscribed_cents - p.statement.paid_cents)) } }
                }
                h3 { (lang.tr("Mouvements", "Movements")) }
                (movements(lang, a.id, &p.statement.movements, &p.names))
            }
            @if let Some(forms) = forms {
                (movement_form(lang, user, p, forms))
                @if a.status == "active" {
                    (departure_form(lang, user, a.id, forms))
                }
            }
            @if let Some(ballots) = &p.ballots {
                (own_ballots(lang, ballots))
            }
            section aria-labelledby="history" {
                h2 #history { (lang.tr("Historique", "History")) }
                (associate_history::table(lang, &p.history, &names))
            }
        },
    )
}

/// Every ballot cast in the associate's name: who cast it, and for a named
/// ballot its receipt and choice.
fn own_ballots(lang: Lang, list: &[OwnBallot]) -> Markup {
    html! {
        section aria-labelledby="ballots" {
            h2 #ballots { (lang.tr("Votes en votre nom", "Ballots in your name")) }
            p.muted {
                (lang.tr(
                    "Chaque bulletin déposé en votre nom, par vous ou par votre mandataire : si vous n'avez pas voté, signalez-le au secrétariat.",
                    "Every ballot cast in your name, by you or your proxy holder: if you did not vote, tell the secretariat.",
                ))
            }
            @if list.is_empty() {
                p.muted { (lang.tr("Aucun bulletin déposé en votre nom.", "No ballot cast in your name.")) }
            } @else {
                div.table-scroll {
                    table {
                        thead { tr {
                            th scope="col" { (lang.tr("Assemblée", "Assembly")) }
                            th scope="col" { (lang.tr("Résolution", "Resolution")) }
                            th scope="col" { (lang.tr("Déposé par", "Cast by")) }
                            th scope="col" { (lang.tr("Choix", "Choice")) }
                            th scope="col" { (lang.tr("Reçu", "Receipt")) }
                        } }
                        tbody {
                            @for b in list {
                                tr {
                                    td { (b.assembly_title) }
                                    td { (lang.tr("n°", "no.")) " " (b.number) " — " (b.title) }
                                    td { (cast_by_text(lang, b)) }
                                    @if b.secret {
                                        td colspan="2" {
                                            (lang.tr(crate::services::own_ballots::SECRET_NOTE.fr, crate::services::own_ballots::SECRET_NOTE.en))
                                        }
                                    } @else {
                                        td { (crate::web::views::labels::choice(lang, b.choice.as_deref().unwrap_or_default())) }
                                        td { code { (b.receipt.as_deref().unwrap_or("—")) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn cast_by_text(lang: Lang, b: &OwnBallot) -> String {
    let how = match b.cast_via.as_deref() {
        Some("card") => lang.tr(" (carte ou lien de vote)", " (voting card or link)"),
        Some("account") => lang.tr(" (compte)", " (account)"),
        _ => "",
    };
    let holder = b.cast_by.as_ref().map_or("", |c| c.name.as_str());
    match b.cast {
        "self" => format!("{}{how}", lang.tr("Vous", "You")),
        "proxy_holder" => format!(
            "{} {holder}{how}",
            lang.tr("Votre mandataire", "Your proxy holder")
        ),
        "postal" => lang
            .tr(
                "Formulaire de vote par correspondance saisi par le secrétariat",
                "Postal form entered by the secretariat",
            )
            .to_string(),
        "blank_proxy" => lang
            .tr(
                "Pouvoir en blanc, voté à la clôture avec le conseil",
                "Blank proxy, voted with the board at close",
            )
            .to_string(),
        _ => lang.tr("Non enregistré", "Not recorded").to_string(),
    }
}

fn movements(lang: Lang, id: i64, list: &[MovementView], names: &BTreeMap<i64, String>) -> Markup {
    let name = |other: Option<i64>| {
        other
            .and_then(|o| names.get(&o))
            .cloned()
            .unwrap_or_default()
    };
    html! {
        @if list.is_empty() {
            p.muted { (lang.tr("Aucun mouvement de parts.", "No share movement.")) }
        } @else {
            div.table-scroll {
                table {
                    thead { tr {
                        th scope="col" { (lang.tr("Date", "Date")) }
                        th scope="col" { (lang.tr("Mouvement", "Movement")) }
                        th.num scope="col" { (lang.tr("Parts", "Shares")) }
                        th.num scope="col" { (lang.tr("Montant", "Amount")) }
                        th scope="col" { (lang.tr("Contrepartie", "Other party")) }
                    } }
                    tbody {
                        @for m in list {
                            @let received = m.associate_id != id;
                            tr {
                                td { (components::date(lang, m.on)) }
                                td { (movement_label(lang, &m.movement)) }
                                td.num {
                                    @match (m.movement.as_str(), received) {
                                        ("payment", _) => "—",
                                        ("subscription", _) | (_, true) => { "+" (m.shares) },
                                        _ => { "−" (m.shares) },
                                    }
                                }
                                td.num { (euros(lang, m.amount_cents)) }
                                td {
                                    @if received { (lang.tr("de ", "from ")) (name(Some(m.associate_id))) }
                                    @else if m.to_associate_id.is_some() { (lang.tr("à ", "to ")) (name(m.to_associate_id)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn movement_form(lang: Lang, user: &PageUser, p: &AssociatePage, forms: &Forms) -> Markup {
    let v = &forms.movement;
    let err = |field: &str| forms.movement_problems.on(lang, field);
    let kinds: Vec<(String, String)> = MovementKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), movement_label(lang, k.code())))
        .collect();
    let mut recipients = vec![(String::new(), lang.tr("— aucun —", "— none —").to_string())];
    recipients.extend(
        p.recipients
            .iter()
            .filter(|(id, _)| *id != p.associate.id)
            .map(|(id, name)| (id.to_string(), name.clone())),
    );
    let shown = [
        "movement",
        "shares",
        "amount",
        "movement_on",
        "to_associate_id",
    ];
    html! {
        section aria-labelledby="record-movement" {
            form method="post" action=(format!("/associates/{}/shares", p.associate.id)) {
                (components::csrf(&user.csrf_token))
                fieldset {
                    legend #record-movement { (lang.tr("Enregistrer un mouvement de parts", "Record a share movement")) }
                    (components::alert(lang, &forms.movement_problems.general(lang, &shown)))
                    (hinted_select(lang.tr("Mouvement", "Movement"), "movement", &kinds, &v.movement,
                        Some(lang.tr(
                            "Souscription : nouvelles parts ; libération : un versement ; cession : des parts données à un autre associé ; remboursement : des parts annulées (jamais sous le plancher du capital, art. 13 de la loi de 1947).",
                            "Subscription: new shares; payment: money paid up; transfer: shares given to another associate; redemption: shares cancelled (never below the capital floor, art. 13 of the 1947 law).",
                        )), err("movement")))
                    (hinted_field(lang.tr("Nombre de parts", "Number of shares"), "shares", "number", &v.shares,
                        Some(lang.tr("0 pour une libération.", "0 for a payment.")), err("shares")))
                    (hinted_field(lang.tr("Montant (€)", "Amount (€)"), "amount", "text", &v.amount,
                        Some(lang.tr(
                            "Pour une libération : la somme versée, par exemple 250 ou 250,50. Vide ailleurs : parts × valeur nominale.",
                            "For a payment: the amount paid, e.g. 250 or 250.50. Empty otherwise: shares × nominal value.",
                        )), err("amount")))
                    (hinted_field(lang.tr("Date", "Date"), "movement_on", "date", &v.movement_on, None, err("movement_on")))
                    (hinted_select(lang.tr("Bénéficiaire (cession)", "Recipient (transfer)"), "to_associate_id", &recipients, &v.to_associate_id, None, err("to_associate_id")))
                    p { button type="submit" { (lang.tr("Enregistrer le mouvement", "Record the movement")) } }
                }
            }
        }
    }
}

fn departure_form(lang: Lang, user: &PageUser, id: i64, forms: &Forms) -> Markup {
    let v = &forms.departure;
    let reasons: Vec<(String, String)> = LeavingReason::ALL
        .iter()
        .map(|r| {
            (
                r.code().to_string(),
                capitalize(&leaving_reason(lang, r.code())),
            )
        })
        .collect();
    let shown = ["departure_on", "reason"];
    html! {
        // Folded: a departure is rare, and its button must not sit under
        // the hand of someone recording shares.
        details.departure open[!forms.departure_problems.is_empty()] {
            summary { (lang.tr("Enregistrer un départ…", "Record a departure…")) }
            form method="post" action=(format!("/associates/{id}/withdraw")) {
                (components::csrf(&user.csrf_token))
                fieldset {
                    legend #departure { (lang.tr("Enregistrer un départ", "Record a departure")) }
                    (components::alert(lang, &forms.departure_problems.general(lang, &shown)))
                    p.hint { (lang.tr(
                        "Le départ change seulement le statut ; le remboursement des parts est un mouvement à part (L231-6).",
                        "Leaving only changes the status; repaying the shares is a separate movement (L231-6).",
                    )) }
                    (hinted_field(lang.tr("Date du départ", "Date of departure"), "departure_on", "date", &v.departure_on, None, forms.departure_problems.on(lang, "departure_on")))
                    (hinted_select(lang.tr("Motif", "Reason"), "reason", &reasons, &v.reason, None, forms.departure_problems.on(lang, "reason")))
                    p { button type="submit" { (lang.tr("Enregistrer le départ", "Record the departure")) } }
                }
            }
        }
    }
}
