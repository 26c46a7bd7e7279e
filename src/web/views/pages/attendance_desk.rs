//! `/assemblies/{id}/attendance`: the entrance desk, made for a tablet —
//! the quorum on top, a search box, and for each voter big one-tap buttons
//! and a proxy form.

use maud::{Markup, html};

use crate::db::models::assembly::Assembly;
use crate::services::attendance::QuorumView;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components;
use crate::web::views::fragments::quorum;
use crate::web::views::labels;
use crate::web::views::layout;

/// The value of the explicit "blank proxy" choice in the holder list (the
/// empty value is the "— choose —" placeholder, refused).
pub const BLANK: &str = "blank";

pub struct DeskRow {
    pub associate_id: i64,
    pub number: i64,
    pub name: String,
    pub representative: Option<String>,
    pub college: String,
    /// None: nothing recorded yet.
    pub mode: Option<String>,
    /// The proxy holder, for a voter represented by someone.
    pub holder: Option<(i64, String)>,
    /// The voters whose proxies this one holds.
    pub holds: Vec<String>,
}

pub struct Desk {
    pub assembly: Assembly,
    pub quorum: QuorumView,
    /// The voters the search found, by name.
    pub rows: Vec<DeskRow>,
    pub roll_size: usize,
    /// Who may hold a proxy: the attending voters.
    pub holders: Vec<(i64, String)>,
}

fn state_label(lang: Lang, row: &DeskRow) -> String {
    match (row.mode.as_deref(), &row.holder) {
        (None, _) => lang.tr("Non enregistré", "Not recorded").into(),
        (Some("present"), _) => lang.tr("Présent", "Present").into(),
        (Some("remote"), _) => lang.tr("À distance", "Remote").into(),
        (Some("represented"), Some((_, name))) => {
            format!("{} {name}", lang.tr("Représenté par", "Represented by"))
        }
        (Some("represented"), None) => lang.tr("Pouvoir en blanc", "Blank proxy").into(),
        (Some("correspondence"), _) => lang.tr("Vote par correspondance", "Postal vote").into(),
        (Some(_), _) => lang.tr("Absent", "Absent").into(),
    }
}

pub fn view(
    lang: Lang,
    user: &PageUser,
    desk: &Desk,
    q: &str,
    refusal: Option<&str>,
    done: Option<&str>,
    who: Option<i64>,
) -> Markup {
    let a = &desk.assembly;
    let title = lang.tr("Accueil — feuille de présence", "Desk — attendance");
    let running = a.status == "convened" || a.status == "open";
    layout::app_page(
        lang,
        user,
        title,
        html! {
            p { a href=(format!("/assemblies/{}", a.id)) { "← " (a.title) } }
            h1 { (title) }
            (quorum::view(lang, &desk.quorum))
            @match (done, who.and_then(|id| desk.rows.iter().find(|r| r.associate_id == id))) {
                (Some("recorded"), Some(row)) => {
                    p.flash role="status" {
                        (lang.tr("Enregistré : ", "Recorded: ")) strong { (row.name) } " — " (state_label(lang, row)) "."
                    }
                }
                _ => (labels::flash(lang, done)),
            }
            (labels::refusal(refusal))
            @if !running {
                p.notice { (lang.tr(
                    "La présence s'enregistre une fois l'assemblée convoquée, et jusqu'à sa clôture.",
                    "Attendance is recorded once the assembly is convened, and until it closes.",
                )) }
            }
            form.desk-search method="get" action=(format!("/assemblies/{}/attendance", a.id)) role="search" {
                label for="q" { (lang.tr("Chercher un nom ou un numéro", "Search a name or a number")) }
                input #q type="search" name="q" value=(q) autocomplete="off" autofocus;
                button type="submit" { (lang.tr("Chercher", "Search")) }
                @if !q.is_empty() {
                    " " a href=(format!("/assemblies/{}/attendance", a.id)) { (lang.tr("Tout afficher", "Show all")) }
                }
            }
            p.muted { (desk.rows.len()) " / " (desk.roll_size) " " (lang.tr("votants affichés", "voters shown")) }
            ul.desk {
                @for row in &desk.rows {
                    (voter(lang, user, desk, row, q, running))
                }
            }
        },
    )
}

fn voter(
    lang: Lang,
    user: &PageUser,
    desk: &Desk,
    row: &DeskRow,
    q: &str,
    running: bool,
) -> Markup {
    let action = format!(
        "/assemblies/{}/attendance/{}",
        desk.assembly.id, row.associate_id
    );
    let modes = [
        ("present", lang.tr("Présent", "Present")),
        ("remote", lang.tr("À distance", "Remote")),
        ("absent", lang.tr("Absent", "Absent")),
    ];
    let holder_id = row.holder.as_ref().map(|(h, _)| *h);
    let blank = row.mode.as_deref() == Some("represented") && holder_id.is_none();
    let select_id = format!("holder-{}", row.associate_id);
    html! {
        li.voter id=(format!("voter-{}", row.associate_id)) {
            p.voter-head {
                strong { (row.name) }
                @if let Some(rep) = &row.representative { " (" (rep) ")" }
                " " span.muted { "n° " (row.number) " · " (row.college) }
                " " span.state { (state_label(lang, row)) }
            }
            @if !row.holds.is_empty() {
                p.muted { (lang.tr("Détient le pouvoir de : ", "Holds the proxy of: ")) (row.holds.join(", ")) }
            }
            @if running {
                form.desk-buttons method="post" action=(action) {
                    (components::csrf(&user.csrf_token))
                    input type="hidden" name="q" value=(q);
                    @for (mode, label) in modes {
                        button type="submit" name="mode" value=(mode)
                            aria-pressed=(if row.mode.as_deref() == Some(mode) { "true" } else { "false" }) { (label) }
                    }
                }
                form.desk-proxy method="post" action=(action) {
                    (components::csrf(&user.csrf_token))
                    input type="hidden" name="q" value=(q);
                    input type="hidden" name="mode" value="represented";
                    label for=(select_id) { (lang.tr("Pouvoir donné à", "Proxy given to")) }
                    select id=(select_id) name="holder" {
                        option value="" selected[!blank] { (lang.tr("— choisir —", "— choose —")) }
                        option value=(BLANK) selected[blank] {
                            (lang.tr("Pouvoir en blanc (vote avec le conseil)", "Blank proxy (votes with the board)"))
                        }
                        @for (id, name) in desk.holders.iter().filter(|(id, _)| *id != row.associate_id) {
                            option value=(id) selected[holder_id == Some(*id)] { (name) }
                        }
                    }
                    button type="submit" { (lang.tr("Enregistrer le pouvoir", "Record the proxy")) }
                }
            }
        }
    }
}
