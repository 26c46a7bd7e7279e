use maud::{Markup, html};

use crate::web::i18n::Lang;
use crate::web::views::layout;

pub struct Home {
    /// False on first start: nobody can log in yet.
    pub has_admin: bool,
}

pub fn view(lang: Lang, home: &Home) -> Markup {
    let title = lang.tr("Bienvenue", "Welcome");
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            p.lead {
                (lang.tr(
                    "scrutin tient le registre des associés et du capital de votre SCIC, organise ses assemblées générales, fait voter les résolutions par collèges et rédige le procès-verbal.",
                    "scrutin keeps the register of your SCIC's associates and capital, runs its general assemblies, has resolutions voted by colleges and drafts the minutes.",
                ))
            }
            @if home.has_admin {
                section {
                    h2 { (lang.tr("Que faire maintenant ?", "What next?")) }
                    p {
                        (lang.tr(
                            "Connectez-vous avec le compte que votre administrateur vous a donné, ou avec le lien reçu dans votre convocation.",
                            "Log in with the account your administrator gave you, or with the link in your convocation.",
                        ))
                    }
                    p { a.button href="/login" { (lang.tr("Se connecter", "Log in")) } }
                    p {
                        (lang.tr("Programmes et intégrations : ", "Scripts and integrations: "))
                        code { "POST /api/v1/auth/login" }
                    }
                }
            } @else {
                section.notice role="status" {
                    h2 { (lang.tr("Premier démarrage", "First start")) }
                    p {
                        (lang.tr(
                            "Aucun administrateur n'existe encore. Créez-le depuis le serveur, dans le dossier de scrutin :",
                            "No administrator exists yet. Create one on the server, in scrutin's folder:",
                        ))
                    }
                    pre { code { "scrutin create-admin --email vous@exemple.coop --password-stdin" } }
                    p {
                        (lang.tr(
                            "puis tapez le mot de passe (12 caractères au moins) et validez. Rechargez ensuite cette page.",
                            "then type the password (at least 12 characters) and press Enter. Then reload this page.",
                        ))
                    }
                }
            }
        },
    )
}
