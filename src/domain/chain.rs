//! The public hash chain of a resolution's ballots (SECURITY.md 3):
//! `h_i = SHA-256(h_{i-1} ‖ receipt ‖ choice ‖ college)`. Once a head has
//! been seen, no earlier ballot can be removed or changed unnoticed.

use sha2::{Digest, Sha256};

use super::tally::Choice;

/// The head before any ballot: bound to the resolution, so two resolutions
/// never share a chain.
pub fn genesis(resolution_id: i64) -> String {
    hex(Sha256::digest(format!("scrutin/resolution/{resolution_id}").as_bytes()).as_slice())
}

/// The head after one more ballot. Fields are separated so that no two
/// different ballots hash the same bytes.
pub fn extend(head: &str, receipt: &str, choice: Choice, college_id: i64) -> String {
    let mut h = Sha256::new();
    h.update(head.as_bytes());
    h.update(b"|");
    h.update(receipt.as_bytes());
    h.update(b"|");
    h.update(choice.as_str().as_bytes());
    h.update(b"|");
    h.update(college_id.to_string().as_bytes());
    hex(h.finalize().as_slice())
}

/// Recomputes a head from the ballots in chain order.
pub fn replay<'a>(
    resolution_id: i64,
    ballots: impl IntoIterator<Item = (&'a str, Choice, i64)>,
) -> String {
    ballots.into_iter().fold(
        genesis(resolution_id),
        |head, (receipt, choice, college)| extend(&head, receipt, choice, college),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_moves_the_head() {
        let ballots = [("r1", Choice::For, 1), ("r2", Choice::Against, 2)];
        let head = replay(7, ballots);
        assert_eq!(head.len(), 64);
        assert_ne!(head, replay(8, ballots), "bound to the resolution");
        assert_ne!(
            head,
            replay(7, [("r1", Choice::For, 1)]),
            "a removed ballot shows"
        );
        assert_ne!(
            head,
            replay(7, [("r1", Choice::Against, 1), ("r2", Choice::Against, 2)]),
            "a changed choice shows"
        );
        assert_ne!(
            head,
            replay(7, [("r2", Choice::Against, 2), ("r1", Choice::For, 1)]),
            "the order is bound"
        );
    }
}
