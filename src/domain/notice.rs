//! The notice period of a convocation (RULES 5 and 13.6): at least 15 days
//! on first call, 10 days on a later call, counted in whole calendar days
//! between the day of sending (excluded) and the day of the meeting.

use chrono::{Days, NaiveDate};

use super::rules::Call;

pub fn minimum_days(call: Call) -> u64 {
    match call {
        Call::First => 15,
        Call::Second => 10,
    }
}

/// Whether a convocation sent on `sent_on` gives enough notice.
pub fn is_enough(sent_on: NaiveDate, meeting_on: NaiveDate, call: Call) -> bool {
    (meeting_on - sent_on).num_days() >= minimum_days(call) as i64
}

/// The last day a convocation for this meeting may be sent.
pub fn latest_sending_day(meeting_on: NaiveDate, call: Call) -> Option<NaiveDate> {
    meeting_on.checked_sub_days(Days::new(minimum_days(call)))
}

/// The earliest day a meeting convened on `sent_on` may be held.
pub fn earliest_meeting_day(sent_on: NaiveDate, call: Call) -> Option<NaiveDate> {
    sent_on.checked_add_days(Days::new(minimum_days(call)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn fifteen_days_on_first_call_ten_on_second() {
        assert!(is_enough(d("2026-03-01"), d("2026-03-16"), Call::First));
        assert!(!is_enough(d("2026-03-02"), d("2026-03-16"), Call::First));
        assert!(is_enough(d("2026-03-06"), d("2026-03-16"), Call::Second));
        assert!(!is_enough(d("2026-03-07"), d("2026-03-16"), Call::Second));
        assert_eq!(
            latest_sending_day(d("2026-03-16"), Call::First),
            Some(d("2026-03-01"))
        );
        assert_eq!(
            earliest_meeting_day(d("2026-02-20"), Call::First),
            Some(d("2026-03-07"))
        );
    }
}
