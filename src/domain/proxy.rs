//! Proxies (pouvoirs, RULES 5 and 13.6): given to another associate who
//! attends, never passed on (no chains), within the statutory cap.

/// What the check needs to know about a proxy being recorded.
pub struct ProxyFacts {
    pub principal_id: i64,
    pub holder_id: i64,
    /// The holder attends (in the room or remotely).
    pub holder_attends: bool,
    /// Proxies the principal holds for others: they cannot give theirs away.
    pub principal_holds: u32,
    /// Proxies the holder already holds, this principal's excluded.
    pub holder_holds: u32,
    /// The statutory cap per holder, if any.
    pub cap: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyRule {
    ToSelf,
    HolderAbsent,
    /// The principal holds proxies: they would be passed on.
    Chain {
        held: u32,
    },
    OverCap {
        cap: u32,
    },
}

impl ProxyRule {
    pub fn code(&self) -> &'static str {
        match self {
            ProxyRule::ToSelf => "proxy_to_self",
            ProxyRule::HolderAbsent => "proxy_holder_absent",
            ProxyRule::Chain { .. } => "proxy_chain",
            ProxyRule::OverCap { .. } => "proxy_over_cap",
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            ProxyRule::ToSelf => "An associate cannot hold their own proxy.".into(),
            ProxyRule::HolderAbsent => {
                "The proxy holder must attend the assembly (in the room or remotely).".into()
            }
            ProxyRule::Chain { held } => format!(
                "This associate holds {held} proxies: a holder cannot pass proxies on (no chains)."
            ),
            ProxyRule::OverCap { cap } => {
                format!("The statutes allow at most {cap} proxies per holder.")
            }
        }
    }

    pub fn message_fr(&self) -> String {
        match self {
            ProxyRule::ToSelf => "Un associé ne peut pas détenir son propre pouvoir.".into(),
            ProxyRule::HolderAbsent => {
                "Le mandataire doit participer à l'assemblée (sur place ou à distance).".into()
            }
            ProxyRule::Chain { held } => format!(
                "Cet associé détient {held} pouvoirs : un mandataire ne peut pas les transmettre."
            ),
            ProxyRule::OverCap { cap } => {
                format!("Les statuts limitent à {cap} le nombre de pouvoirs par mandataire.")
            }
        }
    }
}

/// A proxy given to nobody (RULES 5, L225-106, E12) votes FOR the
/// resolutions the board presents or approves, AGAINST all others.
pub fn blank_proxy_choice(board_approved: bool) -> super::tally::Choice {
    if board_approved {
        super::tally::Choice::For
    } else {
        super::tally::Choice::Against
    }
}

pub fn check_proxy(f: &ProxyFacts) -> Result<(), ProxyRule> {
    if f.principal_id == f.holder_id {
        return Err(ProxyRule::ToSelf);
    }
    if f.principal_holds > 0 {
        return Err(ProxyRule::Chain {
            held: f.principal_holds,
        });
    }
    if !f.holder_attends {
        return Err(ProxyRule::HolderAbsent);
    }
    if let Some(cap) = f.cap
        && f.holder_holds >= cap
    {
        return Err(ProxyRule::OverCap { cap });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ProxyFacts {
        ProxyFacts {
            principal_id: 1,
            holder_id: 2,
            holder_attends: true,
            principal_holds: 0,
            holder_holds: 0,
            cap: Some(2),
        }
    }

    #[test]
    fn a_blank_proxy_follows_the_board() {
        use crate::domain::tally::Choice;
        assert_eq!(blank_proxy_choice(true), Choice::For);
        assert_eq!(blank_proxy_choice(false), Choice::Against);
    }

    #[test]
    fn proxies_obey_the_rules() {
        assert_eq!(check_proxy(&facts()), Ok(()));
        assert_eq!(
            check_proxy(&ProxyFacts {
                holder_id: 1,
                ..facts()
            }),
            Err(ProxyRule::ToSelf)
        );
        assert_eq!(
            check_proxy(&ProxyFacts {
                principal_holds: 1,
                ..facts()
            }),
            Err(ProxyRule::Chain { held: 1 })
        );
        assert_eq!(
            check_proxy(&ProxyFacts {
                holder_attends: false,
                ..facts()
            }),
            Err(ProxyRule::HolderAbsent)
        );
        assert_eq!(
            check_proxy(&ProxyFacts {
                holder_holds: 1,
                ..facts()
            }),
            Ok(())
        );
        assert_eq!(
            check_proxy(&ProxyFacts {
                holder_holds: 2,
                ..facts()
            }),
            Err(ProxyRule::OverCap { cap: 2 })
        );
        assert_eq!(
            check_proxy(&ProxyFacts {
                holder_holds: 9,
                cap: None,
                ..facts()
            }),
            Ok(())
        );
    }
}
