//! A closed resolution's result as CSV: one line per college, then the
//! total. Machine format, as the JSON: fractions `p/q`, percentages with a
//! dot (`57.50`), comma-separated, UTF-8.

use serde_json::Value;

pub const COLUMNS: [&str; 11] = [
    "resolution_id",
    "college_id",
    "college",
    "weight_percent",
    "for",
    "against",
    "abstain",
    "votes_cast",
    "for_share",
    "against_share",
    "adopted",
];

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The CSV of a frozen result (CONTRACT.md's shape); `None` when the result
/// has no per-college breakdown (the resolution is not closed).
pub fn write(result: &Value) -> Option<String> {
    let colleges = result["colleges"].as_array()?;
    let abstentions_cast = result["abstentions"] == "against";
    let n = |v: &Value| v.as_u64().unwrap_or(0);
    let cast = |row: &Value| {
        let base = n(&row["for"]) + n(&row["against"]);
        if abstentions_cast {
            base + n(&row["abstain"])
        } else {
            base
        }
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    // Every cell through `formula_safe`: a college named `=…` is text.
    let mut write = |cells: [String; 11]| {
        out.write_record(cells.iter().map(|c| super::formula_safe(c).into_owned()))
            .ok()
    };
    write(COLUMNS.map(String::from))?;
    let id = text(&result["resolution_id"]);
    for c in colleges {
        write([
            id.clone(),
            text(&c["college_id"]),
            text(&c["name"]),
            text(&c["weight"]),
            text(&c["for"]),
            text(&c["against"]),
            text(&c["abstain"]),
            cast(c).to_string(),
            text(&c["for_share"]),
            text(&c["against_share"]),
            String::new(),
        ])?;
    }
    let counts = &result["counts"];
    write([
        id,
        String::new(),
        "total".into(),
        "100.00".into(),
        text(&counts["for"]),
        text(&counts["against"]),
        text(&counts["abstain"]),
        cast(counts).to_string(),
        text(&result["for_share"]),
        text(&result["against_share"]),
        text(&result["adopted"]),
    ])?;
    String::from_utf8(out.into_inner().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn one_line_per_college_then_the_total() {
        let result = json!({
            "resolution_id": 7, "abstentions": "excluded",
            "counts": {"for": 3, "against": 1, "abstain": 1, "ballots": 5},
            "colleges": [{"college_id": 1, "name": "Salariés, cadres", "weight": "50.00", "for": 3, "against": 1, "abstain": 1, "for_share": "3/4", "against_share": "1/4"}],
            "for_share": "3/4", "against_share": "1/4", "adopted": true
        });
        let csv = super::write(&result).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], super::COLUMNS.join(","));
        assert_eq!(lines[1], "7,1,\"Salariés, cadres\",50.00,3,1,1,4,3/4,1/4,");
        assert_eq!(lines[2], "7,,total,100.00,3,1,1,4,3/4,1/4,true");
        assert!(super::write(&json!({"status": "open"})).is_none());
    }

    #[test]
    fn a_college_named_like_a_formula_is_text() {
        let result = json!({
            "resolution_id": 7, "abstentions": "excluded",
            "counts": {"for": 1, "against": 0, "abstain": 0, "ballots": 1},
            "colleges": [{"college_id": 1, "name": "=HYPERLINK(\"http://evil.example\")", "weight": "100.00", "for": 1, "against": 0, "abstain": 0, "for_share": "1/1", "against_share": "0/1"}],
            "for_share": "1/1", "against_share": "0/1", "adopted": true
        });
        let csv = super::write(&result).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[1],
            "7,1,\"'=HYPERLINK(\"\"http://evil.example\"\")\",100.00,1,0,0,1,1/1,0/1,"
        );
    }
}
