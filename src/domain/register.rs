//! The associates' register (RULES 3, 9 and 10): who an associate is
//! (category, kind), where they stand (status), and the category checks of
//! RULES 13.6.
//!
//! Categories are an identity notion fixed by art. 19 septies of the 1947
//! law; they are not voting colleges (a weighting notion, see `colleges`).
//! The codes below are CONTRACT.md's, and never change: they are stored in
//! the database and written in CSV files.

use serde::{Deserialize, Serialize};

/// Lower-cases and trims a code or label, so that `" Salarié "` and
/// `"salarié"` compare equal.
fn normalise(text: &str) -> String {
    text.trim().to_lowercase()
}

/// A category of associates (art. 19 septies of the 1947 law, RULES 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Salariés.
    Employee,
    /// Bénéficiaires: people who habitually benefit from the activity.
    Beneficiary,
    /// Producteurs of the cooperative's goods or services.
    Producer,
    /// Bénévoles (natural persons only).
    Volunteer,
    /// Collectivités territoriales, their groupements and établissements
    /// publics: together at most 50 % of the capital.
    LocalAuthority,
    /// Any other public person (not subject to the 50 % cap).
    PublicBody,
    /// Anyone else who contributes to the activity (funders, partners...).
    Other,
}

impl Category {
    /// Every category, in the order of the law's list.
    pub const ALL: [Category; 7] = [
        Category::Employee,
        Category::Beneficiary,
        Category::Producer,
        Category::Volunteer,
        Category::LocalAuthority,
        Category::PublicBody,
        Category::Other,
    ];

    /// The stable code (CONTRACT.md), as in JSON.
    pub fn code(self) -> &'static str {
        match self {
            Category::Employee => "employee",
            Category::Beneficiary => "beneficiary",
            Category::Producer => "producer",
            Category::Volunteer => "volunteer",
            Category::LocalAuthority => "local_authority",
            Category::PublicBody => "public_body",
            Category::Other => "other",
        }
    }

    /// The French name, singular, capitalised (for pages and minutes).
    pub fn label_fr(self) -> &'static str {
        match self {
            Category::Employee => "Salarié",
            Category::Beneficiary => "Bénéficiaire",
            Category::Producer => "Producteur",
            Category::Volunteer => "Bénévole",
            Category::LocalAuthority => "Collectivité territoriale",
            Category::PublicBody => "Autre personne publique",
            Category::Other => "Autre",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            Category::Employee => "Employee",
            Category::Beneficiary => "Beneficiary",
            Category::Producer => "Producer",
            Category::Volunteer => "Volunteer",
            Category::LocalAuthority => "Local authority",
            Category::PublicBody => "Other public body",
            Category::Other => "Other",
        }
    }

    /// Parses a code (`"local_authority"`), ignoring case and surrounding
    /// spaces. The error lists the accepted codes.
    pub fn parse(text: &str) -> Result<Category, String> {
        let wanted = normalise(text);
        Category::ALL
            .into_iter()
            .find(|category| category.code() == wanted)
            .ok_or_else(|| unknown_category(text))
    }

    /// Like [`Category::parse`], but also accepts the French and English
    /// names, singular or plural ("Salariés", "collectivité territoriale"),
    /// for files typed by people in a spreadsheet.
    pub fn parse_lenient(text: &str) -> Result<Category, String> {
        if let Ok(category) = Category::parse(text) {
            return Ok(category);
        }
        let wanted = normalise(text);
        let singular = wanted.strip_suffix('s').unwrap_or(&wanted);
        let singular_words: String = wanted
            .split(' ')
            .map(|word| word.strip_suffix('s').unwrap_or(word))
            .collect::<Vec<_>>()
            .join(" ");
        Category::ALL
            .into_iter()
            .find(|category| {
                let names = [
                    normalise(category.label_fr()),
                    normalise(category.label_en()),
                ];
                names
                    .iter()
                    .any(|name| *name == wanted || name == singular || *name == singular_words)
            })
            .ok_or_else(|| unknown_category(text))
    }
}

/// The error for a category that is not known, listing the accepted codes.
fn unknown_category(text: &str) -> String {
    let codes: Vec<&str> = Category::ALL.iter().map(|c| c.code()).collect();
    format!(
        "catégorie inconnue « {} » : attendu l'un de {}",
        text.trim(),
        codes.join(", ")
    )
}

/// A natural person, or a legal person (an entity) acting through a
/// representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssociateKind {
    /// Personne physique.
    Person,
    /// Personne morale: needs a representative to vote.
    Entity,
}

impl AssociateKind {
    pub const ALL: [AssociateKind; 2] = [AssociateKind::Person, AssociateKind::Entity];

    /// The stable code, as in JSON.
    pub fn code(self) -> &'static str {
        match self {
            AssociateKind::Person => "person",
            AssociateKind::Entity => "entity",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            AssociateKind::Person => "Personne physique",
            AssociateKind::Entity => "Personne morale",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AssociateKind::Person => "Natural person",
            AssociateKind::Entity => "Legal entity",
        }
    }

    /// Parses a code, ignoring case and surrounding spaces.
    pub fn parse(text: &str) -> Result<AssociateKind, String> {
        match normalise(text).as_str() {
            "person" => Ok(AssociateKind::Person),
            "entity" => Ok(AssociateKind::Entity),
            _ => Err(format!(
                "type d'associé inconnu « {} » : attendu person ou entity",
                text.trim()
            )),
        }
    }

    /// Like [`AssociateKind::parse`], but also accepts the usual French
    /// words of a spreadsheet: "personne physique", "physique", "personne",
    /// "personne morale", "morale", "entité".
    pub fn parse_lenient(text: &str) -> Result<AssociateKind, String> {
        match normalise(text).as_str() {
            "personne" | "physique" | "personne physique" | "natural person" => {
                Ok(AssociateKind::Person)
            }
            "morale" | "personne morale" | "entité" | "entite" | "legal entity" => {
                Ok(AssociateKind::Entity)
            }
            _ => AssociateKind::parse(text),
        }
    }
}

/// Where an associate stands. Only `active` associates vote, are convened
/// and count for the category checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Withdrawn,
    Excluded,
    Deceased,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Withdrawn,
        Status::Excluded,
        Status::Deceased,
    ];

    /// The stable code, as in JSON.
    pub fn code(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Withdrawn => "withdrawn",
            Status::Excluded => "excluded",
            Status::Deceased => "deceased",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Status::Active => "Actif",
            Status::Withdrawn => "Retiré",
            Status::Excluded => "Exclu",
            Status::Deceased => "Décédé",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Withdrawn => "Withdrawn",
            Status::Excluded => "Excluded",
            Status::Deceased => "Deceased",
        }
    }

    /// Parses a code, ignoring case and surrounding spaces.
    pub fn parse(text: &str) -> Result<Status, String> {
        let wanted = normalise(text);
        Status::ALL
            .into_iter()
            .find(|status| status.code() == wanted)
            .ok_or_else(|| {
                format!(
                    "statut inconnu « {} » : attendu active, withdrawn, excluded ou deceased",
                    text.trim()
                )
            })
    }

    pub fn is_active(self) -> bool {
        self == Status::Active
    }
}

/// Why an associate leaves (RULES 10). Leaving is a status change only:
/// repaying the shares is a later `redemption` movement, subject to the
/// capital floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeavingReason {
    /// Retrait, at the associate's request (L231-6).
    Withdrawal,
    /// Exclusion, decided at the majority for statute changes (L231-6 al. 2).
    Exclusion,
    /// Décès.
    Death,
}

impl LeavingReason {
    pub const ALL: [LeavingReason; 3] = [
        LeavingReason::Withdrawal,
        LeavingReason::Exclusion,
        LeavingReason::Death,
    ];

    /// The stable code, as in JSON.
    pub fn code(self) -> &'static str {
        match self {
            LeavingReason::Withdrawal => "withdrawal",
            LeavingReason::Exclusion => "exclusion",
            LeavingReason::Death => "death",
        }
    }

    /// Parses a code, ignoring case and surrounding spaces.
    pub fn parse(text: &str) -> Result<LeavingReason, String> {
        let wanted = normalise(text);
        LeavingReason::ALL
            .into_iter()
            .find(|reason| reason.code() == wanted)
            .ok_or_else(|| {
                format!(
                    "motif de départ inconnu « {} » : attendu withdrawal, exclusion ou death",
                    text.trim()
                )
            })
    }

    /// The status the associate ends up with.
    pub fn status(self) -> Status {
        match self {
            LeavingReason::Withdrawal => Status::Withdrawn,
            LeavingReason::Exclusion => Status::Excluded,
            LeavingReason::Death => Status::Deceased,
        }
    }
}

/// A category rule of art. 19 septies (RULES 3 and 13.6) that the active
/// associates do not meet. These are warnings for the register page: the
/// cooperative must fix its membership, the software cannot refuse it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryRule {
    /// Fewer than 3 distinct categories.
    TooFewCategories { present: usize },
    /// No beneficiaries (a mandatory category).
    NoBeneficiaries,
    /// Neither employees nor, failing employees, producers.
    NoEmployeesNorProducers,
}

/// Fewest distinct categories the law allows.
pub const MIN_CATEGORIES: usize = 3;

impl CategoryRule {
    /// A stable snake_case code, for the API and tests.
    pub fn code(&self) -> &'static str {
        match self {
            CategoryRule::TooFewCategories { .. } => "too_few_categories",
            CategoryRule::NoBeneficiaries => "no_beneficiaries",
            CategoryRule::NoEmployeesNorProducers => "no_employees_nor_producers",
        }
    }

    /// The warning in French, citing the rule.
    pub fn message_fr(&self) -> String {
        match self {
            CategoryRule::TooFewCategories { present } => format!(
                "Art. 19 septies de la loi de 1947 : au moins trois catégories d'associés ; \
                 les associés actifs n'en comptent que {present}."
            ),
            CategoryRule::NoBeneficiaries => "Art. 19 septies de la loi de 1947 : les \
                 bénéficiaires (personnes qui bénéficient habituellement des activités) \
                 doivent être associés ; aucun associé actif n'est de cette catégorie."
                .to_owned(),
            CategoryRule::NoEmployeesNorProducers => "Art. 19 septies de la loi de 1947 : les \
                 salariés, ou à défaut les producteurs, doivent être associés ; aucun associé \
                 actif n'est salarié ni producteur."
                .to_owned(),
        }
    }

    /// The same warning in English.
    pub fn message_en(&self) -> String {
        match self {
            CategoryRule::TooFewCategories { present } => format!(
                "Art. 19 septies of the 1947 law: at least three categories of associates; \
                 the active associates have only {present}."
            ),
            CategoryRule::NoBeneficiaries => "Art. 19 septies of the 1947 law: the \
                 beneficiaries (people who habitually benefit from the activities) must be \
                 associates; no active associate is in that category."
                .to_owned(),
            CategoryRule::NoEmployeesNorProducers => "Art. 19 septies of the 1947 law: the \
                 employees, or failing them the producers, must be associates; no active \
                 associate is an employee or a producer."
                .to_owned(),
        }
    }
}

/// Who is on the voter roll of a meeting held on `meeting_day` (RULES
/// 13.1): the associates active, admitted on or before that day.
pub fn on_voter_roll(
    status: Status,
    admitted_on: chrono::NaiveDate,
    meeting_day: chrono::NaiveDate,
) -> bool {
    status.is_active() && admitted_on <= meeting_day
}

/// The category rules broken by the categories of the ACTIVE associates
/// (one entry per associate, duplicates welcome), in a stable order: count,
/// beneficiaries, employees/producers.
///
/// "Employees, or producers if the company has no employees": the register
/// cannot tell whether the company employs anyone who is not an associate,
/// so the check accepts either category and says so.
pub fn category_warnings(present: &[Category]) -> Vec<CategoryRule> {
    let distinct = Category::ALL
        .iter()
        .filter(|category| present.contains(category))
        .count();
    let mut warnings = Vec::new();
    if distinct < MIN_CATEGORIES {
        warnings.push(CategoryRule::TooFewCategories { present: distinct });
    }
    if !present.contains(&Category::Beneficiary) {
        warnings.push(CategoryRule::NoBeneficiaries);
    }
    if !present.contains(&Category::Employee) && !present.contains(&Category::Producer) {
        warnings.push(CategoryRule::NoEmployeesNorProducers);
    }
    warnings
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_roll_holds_the_active_admitted_by_the_meeting_day() {
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or_default();
        assert!(on_voter_roll(
            Status::Active,
            day("2026-03-16"),
            day("2026-03-16")
        ));
        assert!(!on_voter_roll(
            Status::Active,
            day("2026-03-17"),
            day("2026-03-16")
        ));
        assert!(!on_voter_roll(
            Status::Withdrawn,
            day("2025-01-01"),
            day("2026-03-16")
        ));
    }
    use super::*;

    fn codes(rules: &[CategoryRule]) -> Vec<&'static str> {
        rules.iter().map(CategoryRule::code).collect()
    }

    #[test]
    fn codes_round_trip_through_parse_and_serde() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.code()), Ok(category));
            let json = serde_json::to_string(&category).unwrap();
            assert_eq!(json, format!("\"{}\"", category.code()));
            assert_eq!(serde_json::from_str::<Category>(&json).unwrap(), category);
        }
        for kind in AssociateKind::ALL {
            assert_eq!(AssociateKind::parse(kind.code()), Ok(kind));
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.code())
            );
        }
        for status in Status::ALL {
            assert_eq!(Status::parse(status.code()), Ok(status));
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.code())
            );
        }
        for reason in LeavingReason::ALL {
            assert_eq!(LeavingReason::parse(reason.code()), Ok(reason));
            assert_eq!(
                serde_json::to_string(&reason).unwrap(),
                format!("\"{}\"", reason.code())
            );
        }
    }

    #[test]
    fn exact_contract_codes() {
        let codes: Vec<&str> = Category::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(
            codes,
            [
                "employee",
                "beneficiary",
                "producer",
                "volunteer",
                "local_authority",
                "public_body",
                "other"
            ]
        );
    }

    #[test]
    fn parse_ignores_case_and_spaces_and_refuses_unknown_codes() {
        assert_eq!(
            Category::parse(" Local_Authority "),
            Ok(Category::LocalAuthority)
        );
        let error = Category::parse("mairie").unwrap_err();
        assert!(error.contains("mairie") && error.contains("local_authority"));
        assert!(AssociateKind::parse("robot").is_err());
        assert!(Status::parse("gone").is_err());
        assert!(LeavingReason::parse("").is_err());
    }

    #[test]
    fn lenient_parse_accepts_french_and_english_names() {
        assert_eq!(Category::parse_lenient("Salariés"), Ok(Category::Employee));
        assert_eq!(
            Category::parse_lenient("bénéficiaire"),
            Ok(Category::Beneficiary)
        );
        assert_eq!(
            Category::parse_lenient("Collectivités territoriales"),
            Ok(Category::LocalAuthority)
        );
        assert_eq!(
            Category::parse_lenient("local authority"),
            Ok(Category::LocalAuthority)
        );
        assert_eq!(Category::parse_lenient("other"), Ok(Category::Other));
        assert!(Category::parse_lenient("mairie").is_err());
        assert_eq!(
            AssociateKind::parse_lenient("Personne morale"),
            Ok(AssociateKind::Entity)
        );
        assert_eq!(
            AssociateKind::parse_lenient("physique"),
            Ok(AssociateKind::Person)
        );
        assert_eq!(
            AssociateKind::parse_lenient("ENTITY"),
            Ok(AssociateKind::Entity)
        );
    }

    #[test]
    fn leaving_reason_sets_the_status() {
        assert_eq!(LeavingReason::Withdrawal.status(), Status::Withdrawn);
        assert_eq!(LeavingReason::Exclusion.status(), Status::Excluded);
        assert_eq!(LeavingReason::Death.status(), Status::Deceased);
        assert!(Status::Active.is_active());
        assert!(!Status::Deceased.is_active());
    }

    #[test]
    fn a_valid_membership_has_no_warning() {
        use Category::*;
        assert!(
            category_warnings(&[Employee, Beneficiary, LocalAuthority, Beneficiary]).is_empty()
        );
        // Producers stand in for employees.
        assert!(category_warnings(&[Producer, Beneficiary, Volunteer]).is_empty());
    }

    #[test]
    fn each_broken_rule_is_reported() {
        use Category::*;
        assert_eq!(
            category_warnings(&[]),
            vec![
                CategoryRule::TooFewCategories { present: 0 },
                CategoryRule::NoBeneficiaries,
                CategoryRule::NoEmployeesNorProducers,
            ]
        );
        assert_eq!(
            codes(&category_warnings(&[Employee, Beneficiary, Employee])),
            ["too_few_categories"]
        );
        assert_eq!(
            codes(&category_warnings(&[Employee, Volunteer, Other])),
            ["no_beneficiaries"]
        );
        assert_eq!(
            codes(&category_warnings(&[Beneficiary, Volunteer, PublicBody])),
            ["no_employees_nor_producers"]
        );
    }

    #[test]
    fn messages_cite_the_rule() {
        let rule = CategoryRule::TooFewCategories { present: 2 };
        assert_eq!(
            rule.message_fr(),
            "Art. 19 septies de la loi de 1947 : au moins trois catégories d'associés ; \
             les associés actifs n'en comptent que 2."
        );
        assert!(
            rule.message_en()
                .starts_with("Art. 19 septies of the 1947 law")
        );
        for rule in [
            CategoryRule::NoBeneficiaries,
            CategoryRule::NoEmployeesNorProducers,
        ] {
            assert!(rule.message_fr().contains("19 septies"));
            assert!(rule.message_en().contains("19 septies"));
        }
    }
}
