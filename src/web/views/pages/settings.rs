//! `/settings`: the cooperative and its statutory rules, each rule explained
//! in a sentence that cites its source (RULES.md).

use maud::{Markup, html};
use serde::Deserialize;

use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components::{self, Problems, checkbox, hinted_field, hinted_select};
use crate::web::views::layout;

/// The form as typed (or as stored, on a first display): text everywhere,
/// so a refused form shows exactly what the user wrote.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct SettingsValues {
    pub csrf: String,
    pub name: String,
    pub legal_form: String,
    pub registered_office: String,
    pub share_value: String,
    pub statutory_floor: String,
    pub weighted_by_default: String,
    pub ordinary_quorum_first_call: String,
    pub ordinary_quorum_second_call: String,
    pub ordinary_majority: String,
    pub ordinary_comparison: String,
    pub extraordinary_quorum_first_call: String,
    pub extraordinary_quorum_second_call: String,
    pub extraordinary_majority: String,
    pub extraordinary_comparison: String,
    pub abstentions: String,
    pub empty_college: String,
    pub proxies_per_holder: String,
    pub remote_participation: String,
}

fn options(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, t)| (v.to_string(), t.to_string()))
        .collect()
}

pub fn view(
    lang: Lang,
    user: &PageUser,
    v: &SettingsValues,
    problems: &Problems,
    done: Option<&str>,
) -> Markup {
    let title = lang.tr("Paramètres de la coopérative", "Cooperative settings");
    let err = |field: &str| problems.on(lang, field);
    let comparisons = options(&[
        (
            "greater",
            lang.tr(
                "strictement supérieure (pour > seuil)",
                "greater than (for > threshold)",
            ),
        ),
        (
            "at_least",
            lang.tr(
                "au moins égale (pour ≥ seuil)",
                "at least (for ≥ threshold)",
            ),
        ),
    ]);
    let shown = [
        "name",
        "registered_office",
        "share_value",
        "statutory_floor",
        "ordinary_quorum_first_call",
        "ordinary_quorum_second_call",
        "ordinary_majority",
        "extraordinary_quorum_first_call",
        "extraordinary_quorum_second_call",
        "extraordinary_majority",
        "ordinary_comparison",
        "extraordinary_comparison",
        "abstentions",
        "empty_college",
        "proxies_per_holder",
    ];
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            (components::flash(lang, done))
            (components::alert(lang, &problems.general(lang, &shown)))
            form method="post" action="/settings" {
                (components::csrf(&user.csrf_token))
                fieldset {
                    legend { (lang.tr("La coopérative", "The cooperative")) }
                    (hinted_field(lang.tr("Dénomination", "Name"), "name", "text", &v.name, None, err("name")))
                    (hinted_select(lang.tr("Forme juridique", "Legal form"), "legal_form",
                        &options(&[("SA", "SCIC SA"), ("SARL", "SCIC SARL"), ("SAS", "SCIC SAS")]), &v.legal_form,
                        Some(lang.tr(
                            "Art. 19 quinquies de la loi de 1947 : une SCIC est une SA, une SARL ou une SAS à capital variable. Changer de forme rétablit les règles par défaut de la nouvelle forme, sauf celles que vous modifiez en même temps.",
                            "Art. 19 quinquies of the 1947 law: a SCIC is an SA, an SARL or an SAS with variable capital. Changing the form restores the new form's default rules, except those you change at the same time.",
                        )), err("legal_form")))
                    (hinted_field(lang.tr("Siège social", "Registered office"), "registered_office", "text", &v.registered_office, None, err("registered_office")))
                    (hinted_field(lang.tr("Valeur nominale d'une part (€)", "Nominal value of a share (€)"), "share_value", "text", &v.share_value,
                        Some(lang.tr(
                            "FAQ les-scic.coop « Capital » : la valeur nominale est unique et fixée librement par les statuts ; elle ne change plus une fois des parts souscrites. Exemple : 100 ou 100,50.",
                            "les-scic.coop FAQ “Capital”: the nominal value is single and freely set by the statutes; it no longer changes once shares are subscribed. Example: 100 or 100.50.",
                        )), err("share_value")))
                    (hinted_field(lang.tr("Plancher statutaire du capital (€)", "Statutory capital floor (€)"), "statutory_floor", "text", &v.statutory_floor,
                        Some(lang.tr(
                            "Art. 13 de la loi de 1947 : les remboursements ne font jamais descendre le capital sous le quart du plus haut capital atteint, ni en SA sous 18 500 € (art. 27) ; les statuts peuvent fixer un plancher plus haut (0 : aucun).",
                            "Art. 13 of the 1947 law: redemptions never take the capital below a quarter of the highest capital reached, nor, in an SA, below €18,500 (art. 27); the statutes may set a higher floor (0: none).",
                        )), err("statutory_floor")))
                    (checkbox(lang.tr("Votes pondérés par collège par défaut", "Votes weighted by college by default"), "weighted_by_default", v.weighted_by_default == "on",
                        Some(lang.tr(
                            "Art. 19 octies de la loi de 1947 : chaque associé a une voix dans son collège ; les résultats des collèges sont pondérés par leurs poids statutaires, de 10 à 50 % chacun.",
                            "Art. 19 octies of the 1947 law: each associate has one vote in their college; the colleges' results are weighted by their statutory weights, 10 to 50 % each.",
                        ))))
                }
                fieldset {
                    legend { (lang.tr("Assemblée générale ordinaire (AGO)", "Ordinary general meeting")) }
                    (hinted_field(lang.tr("Quorum sur première convocation", "Quorum on first call"), "ordinary_quorum_first_call", "text", &v.ordinary_quorum_first_call,
                        Some(lang.tr(
                            "L225-98 : 1/5 des associés sur première convocation en SA ; en SARL, aucun quorum pour les décisions ordinaires (0/1) ; en SAS, les statuts (L227-9).",
                            "L225-98: 1/5 of the associates on first call in an SA; in an SARL, no quorum for ordinary decisions (0/1); in an SAS, the statutes (L227-9).",
                        )), err("ordinary_quorum_first_call")))
                    (hinted_field(lang.tr("Quorum sur seconde convocation", "Quorum on second call"), "ordinary_quorum_second_call", "text", &v.ordinary_quorum_second_call,
                        Some(lang.tr(
                            "L225-98 : aucun quorum sur seconde convocation (0/1).",
                            "L225-98: no quorum on second call (0/1).",
                        )), err("ordinary_quorum_second_call")))
                    (hinted_field(lang.tr("Majorité", "Majority"), "ordinary_majority", "text", &v.ordinary_majority,
                        Some(lang.tr(
                            "L225-98 : majorité des voix exprimées, soit 1/2 avec une comparaison strictement supérieure (une égalité rejette).",
                            "L225-98: a majority of the votes cast, i.e. 1/2 with a “greater than” comparison (a tie rejects).",
                        )), err("ordinary_majority")))
                    (hinted_select(lang.tr("Comparaison au seuil", "Comparison with the threshold"), "ordinary_comparison", &comparisons, &v.ordinary_comparison,
                        Some(lang.tr(
                            "RULES 5 : « la majorité » se lit pour > contre ; c'est une interprétation, réglable par les statuts.",
                            "RULES 5: “a majority” is read as for > against; this is an interpretation the statutes may change.",
                        )), err("ordinary_comparison")))
                }
                fieldset {
                    legend { (lang.tr("Assemblée générale extraordinaire (AGE)", "Extraordinary general meeting")) }
                    (hinted_field(lang.tr("Quorum sur première convocation", "Quorum on first call"), "extraordinary_quorum_first_call", "text", &v.extraordinary_quorum_first_call,
                        Some(lang.tr(
                            "L225-96 : 1/4 des associés sur première convocation en SA ; L223-30 : de même pour les modifications des statuts d'une SARL.",
                            "L225-96: 1/4 of the associates on first call in an SA; L223-30: the same for statute changes in an SARL.",
                        )), err("extraordinary_quorum_first_call")))
                    (hinted_field(lang.tr("Quorum sur seconde convocation", "Quorum on second call"), "extraordinary_quorum_second_call", "text", &v.extraordinary_quorum_second_call,
                        Some(lang.tr(
                            "L225-96 : 1/5 sur seconde convocation ; les statuts peuvent l'augmenter.",
                            "L225-96: 1/5 on second call; the statutes may raise it.",
                        )), err("extraordinary_quorum_second_call")))
                    (hinted_field(lang.tr("Majorité", "Majority"), "extraordinary_majority", "text", &v.extraordinary_majority,
                        Some(lang.tr(
                            "L225-96 : deux tiers des voix exprimées (2/3, au moins égale) ; L223-30 en SARL : deux tiers des associés présents ou représentés. L231-6 : l'exclusion d'un associé suit cette majorité.",
                            "L225-96: two thirds of the votes cast (2/3, at least); L223-30 in an SARL: two thirds of the associates present or represented. L231-6: excluding an associate takes this majority.",
                        )), err("extraordinary_majority")))
                    (hinted_select(lang.tr("Comparaison au seuil", "Comparison with the threshold"), "extraordinary_comparison", &comparisons, &v.extraordinary_comparison,
                        Some(lang.tr(
                            "RULES 5 : « deux tiers » se lit pour ≥ 2/3 des voix exprimées ; interprétation réglable.",
                            "RULES 5: “two thirds” is read as for ≥ 2/3 of the votes cast; an interpretation you may change.",
                        )), err("extraordinary_comparison")))
                }
                fieldset {
                    legend { (lang.tr("Votes, collèges et pouvoirs", "Votes, colleges and proxies")) }
                    (hinted_select(lang.tr("Abstentions", "Abstentions"), "abstentions",
                        &options(&[
                            ("excluded", lang.tr("ne sont pas des voix exprimées", "are not votes cast")),
                            ("against", lang.tr("comptent comme des voix contre", "count as votes against")),
                        ]), &v.abstentions,
                        Some(lang.tr(
                            "Loi 2019-744 (L225-96, L225-98) : en SA, les abstentions ne sont pas des voix exprimées ; la réforme ne vise pas la SARL, où elles comptent contre.",
                            "Law 2019-744 (L225-96, L225-98): in an SA, abstentions are not votes cast; the reform does not cover the SARL, where they count against.",
                        )), err("abstentions")))
                    (hinted_select(lang.tr("Collège où personne n'a voté", "College where nobody voted"), "empty_college",
                        &options(&[
                            ("renormalise", lang.tr("R : son poids est réparti entre les autres collèges", "R: its weight is shared among the other colleges")),
                            ("total", lang.tr("T : son poids reste au dénominateur", "T: its weight stays in the denominator")),
                        ]), &v.empty_college,
                        Some(lang.tr(
                            "RULES 13.4 : aucune source ne règle ce cas ; c'est une clause des statuts. L'option T peut empêcher toute majorité.",
                            "RULES 13.4: no source settles this case; it is a clause of the statutes. Option T may block any majority.",
                        )), err("empty_college")))
                    (hinted_field(lang.tr("Pouvoirs par mandataire", "Proxies per holder"), "proxies_per_holder", "text", &v.proxies_per_holder,
                        Some(lang.tr(
                            "L225-106 : en SA, un associé se fait représenter par un autre associé, son conjoint ou partenaire de PACS ; la loi ne plafonne pas les pouvoirs, les statuts types le font souvent (à vérifier). Vide : aucune limite.",
                            "L225-106: in an SA, an associate may be represented by another associate, a spouse or a PACS partner; the law sets no cap on proxies, model statutes often do (to be checked). Empty: no limit.",
                        )), err("proxies_per_holder")))
                    (checkbox(lang.tr("Participation à distance (visioconférence)", "Remote participation (video)"), "remote_participation", v.remote_participation == "on",
                        Some(lang.tr(
                            "L225-107 II et L223-27 : un associé en visioconférence compte comme présent seulement si les statuts le prévoient.",
                            "L225-107 II and L223-27: an associate attending by video counts as present only if the statutes say so.",
                        ))))
                }
                p { button type="submit" { (lang.tr("Enregistrer", "Save")) } }
            }
            section {
                h2 { (lang.tr("Règles fixées par la loi", "Rules set by the law")) }
                p.muted { (lang.tr("scrutin les applique toujours ; elles ne se règlent pas.", "scrutin always applies them; they cannot be changed.")) }
                ul {
                    li { (lang.tr(
                        "Art. 19 septies de la loi de 1947 : les collectivités territoriales, leurs groupements et établissements publics détiennent ensemble au plus 50 % du capital ; un mouvement qui dépasserait ce plafond est refusé.",
                        "Art. 19 septies of the 1947 law: local authorities, their groupings and public bodies together hold at most 50 % of the capital; a movement that would exceed it is refused.",
                    )) }
                    li { (lang.tr(
                        "Art. 19 septies : au moins trois catégories d'associés, dont les bénéficiaires et les salariés (ou, à défaut, les producteurs) ; le tableau de bord avertit quand le registre ne les réunit pas.",
                        "Art. 19 septies: at least three categories of associates, including the beneficiaries and the employees (or, failing them, the producers); the dashboard warns when the register lacks them.",
                    )) }
                    li { (lang.tr(
                        "Art. 19 octies et RULES 13.6 : au moins trois collèges, chacun entre 10 % et 50 % des voix, 100 % en tout.",
                        "Art. 19 octies and RULES 13.6: at least three colleges, each between 10 % and 50 % of the votes, 100 % in all.",
                    )) }
                }
            }
        },
    )
}
