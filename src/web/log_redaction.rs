//! What the access log may say about a request (SECURITY.md: "No log line
//! at any level holds a token, a password, a receipt of a secret ballot or
//! a choice"). A voting card, a convocation link, a login link and a
//! password-reset link are capabilities carried in the path: whoever reads
//! them can vote or log in. [`redact`] replaces them, and every query value
//! not known to be harmless, with [`PLACEHOLDER`]. Bodies are never logged.

use std::borrow::Cow;

/// What a secret is replaced with.
pub const PLACEHOLDER: &str = "[redacted]";

/// Path prefixes (as segments) whose next segment is a secret token:
/// `/vote/{token}` (and `/vote/{token}/check-in`), `/login/link/{token}`,
/// `/password/reset/{token}`. A new route with a token in its path must be
/// added here: the unit test walks the route table and fails otherwise.
const SECRET_AFTER: &[&[&str]] = &[&["vote"], &["login", "link"], &["password", "reset"]];

/// Query parameters whose values say nothing secret nor personal (flash
/// codes, language, formats, versions, dates, filters by code). Any other
/// value — `next` (a path that may hold a token), `q` (a name typed in a
/// search), anything unknown — is replaced.
const HARMLESS_QUERY: &[&str] = &[
    "done",
    "lang",
    "format",
    "version",
    "on",
    "print",
    "majority",
    "college",
    "college_id",
    "category",
    "status",
    "who",
];

/// The shape of every token scrutin issues (64 hex digits), redacted
/// wherever it appears, as a second line of defence.
fn looks_like_a_token(text: &str) -> bool {
    text.len() >= 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `%XX` decoded (lossily), to compare a segment or a name with what the
/// router would match: actix decodes some escapes before routing.
pub fn percent_decoded(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// The path and query of a request line with every token-bearing path
/// segment and every query value not in [`HARMLESS_QUERY`] replaced by
/// [`PLACEHOLDER`]. Pure: the access log calls it on `req.uri()`.
pub fn redact(path_and_query: &str) -> String {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    let segments: Vec<&str> = path.split('/').collect();
    let names: Vec<Cow<'_, str>> = segments.iter().map(|s| percent_decoded(s)).collect();
    // The segments that are not empty, in order, to match the prefixes
    // even through `//`; a prefix anywhere in the path hides the segment
    // after it (a 404 under `/vote/…/` still logs its token otherwise).
    let present: Vec<usize> = (0..segments.len())
        .filter(|&i| !segments[i].is_empty())
        .collect();
    let mut secret = vec![false; segments.len()];
    for (position, &index) in present.iter().enumerate() {
        if looks_like_a_token(&names[index]) {
            secret[index] = true;
        }
        for prefix in SECRET_AFTER {
            let before = &present[..position];
            if before.len() >= prefix.len()
                && before[before.len() - prefix.len()..]
                    .iter()
                    .zip(prefix.iter())
                    .all(|(&i, name)| names[i] == *name)
            {
                secret[index] = true;
            }
        }
    }
    let mut out: String = segments
        .iter()
        .zip(&secret)
        .map(|(segment, &hide)| if hide { PLACEHOLDER } else { segment })
        .collect::<Vec<_>>()
        .join("/");
    if let Some(query) = query {
        out.push('?');
        out.push_str(&redact_query(query));
    }
    out
}

/// The request line as the access log writes it: the method, the path
/// and query through [`redact`], the HTTP version.
pub fn request_line(req: &actix_web::dev::ServiceRequest) -> String {
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_string(), |p| p.as_str().to_string());
    format!("{} {} {:?}", req.method(), redact(&target), req.version())
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => {
                let known = HARMLESS_QUERY.contains(&percent_decoded(name).as_ref());
                if known && !looks_like_a_token(&percent_decoded(value)) {
                    pair.to_string()
                } else {
                    format!("{name}={PLACEHOLDER}")
                }
            }
            None if pair.is_empty() || HARMLESS_QUERY.contains(&percent_decoded(pair).as_ref()) => {
                pair.to_string()
            }
            None => PLACEHOLDER.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Not hexadecimal, so only the explicit rules can hide it.
    const SECRET: &str = "Zq-SECRET-sample_Token";

    /// A route pattern with its parameters filled: numbers for ids, a
    /// file name for the assets, [`SECRET`] for anything else.
    fn concrete(pattern: &str) -> (String, bool) {
        let mut out = String::new();
        let mut rest = pattern;
        let mut has_secret = false;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let end = start + rest[start..].find('}').expect("a closing brace");
            let param = &rest[start + 1..end];
            let (name, regex) = param.split_once(':').unwrap_or((param, ""));
            let value =
                if regex == "\\d+" || matches!(name, "id" | "rid" | "associate" | "associate_id") {
                    "12"
                } else if name == "file" {
                    "style.css"
                } else {
                    has_secret = true;
                    SECRET
                };
            out.push_str(value);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        (out, has_secret)
    }

    #[test]
    fn every_token_route_of_the_table_is_redacted() {
        let mut secret_routes = 0;
        for (method, pattern) in crate::web::route_list() {
            let (path, has_secret) = concrete(&pattern);
            let logged = redact(&path);
            assert!(
                !logged.contains(SECRET),
                "{method} {pattern}: the access log would show {logged}"
            );
            if has_secret {
                secret_routes += 1;
                assert!(logged.contains(PLACEHOLDER), "{method} {pattern}");
            } else {
                assert_eq!(logged, path, "{method} {pattern}: nothing to hide");
            }
            // With a query, too: the path is hidden the same way.
            let with_query = format!("{path}?lang=en&next=/vote/{SECRET}");
            let logged = redact(&with_query);
            assert!(!logged.contains(SECRET), "{method} {pattern}: {logged}");
            assert!(logged.contains("lang=en"), "{logged}");
        }
        // /vote/{token} (GET, POST), its check-in, two login-link and two
        // reset routes.
        assert!(secret_routes >= 7, "{secret_routes} token routes found");
    }

    #[test]
    fn tokens_are_replaced_and_the_rest_kept() {
        let token = "a".repeat(64);
        assert_eq!(redact(&format!("/vote/{token}")), "/vote/[redacted]");
        assert_eq!(
            redact(&format!("/vote/{token}/check-in")),
            "/vote/[redacted]/check-in"
        );
        assert_eq!(redact("/login/link/abc"), "/login/link/[redacted]");
        assert_eq!(redact("/password/reset/abc"), "/password/reset/[redacted]");
        assert_eq!(redact("/password/forgot"), "/password/forgot");
        assert_eq!(redact("/login/link"), "/login/link");
        assert_eq!(redact("/vote/"), "/vote/");
        // Through `//`, an escaped letter, an unknown tail (a 404 still logs).
        assert_eq!(redact("//vote//abc"), "//vote//[redacted]");
        assert_eq!(redact("/%76ote/abc"), "/%76ote/[redacted]");
        assert_eq!(redact("/vote/abc/zzz"), "/vote/[redacted]/zzz");
        // A token-shaped segment anywhere.
        assert_eq!(redact(&format!("/x/{token}")), "/x/[redacted]");
        assert_eq!(
            redact("/api/v1/resolutions/7/result?format=csv"),
            "/api/v1/resolutions/7/result?format=csv"
        );
    }

    #[test]
    fn query_values_are_kept_only_when_harmless() {
        assert_eq!(
            redact("/login?next=/vote/abc&done=logged_out"),
            "/login?next=[redacted]&done=logged_out"
        );
        assert_eq!(
            redact("/associates?q=Martin&status=active&lang=fr"),
            "/associates?q=[redacted]&status=active&lang=fr"
        );
        assert_eq!(redact("/x?token=abc&abc"), "/x?token=[redacted]&[redacted]");
        assert_eq!(redact("/x?lang"), "/x?lang");
        let token = "f".repeat(64);
        assert_eq!(redact(&format!("/x?done={token}")), "/x?done=[redacted]");
        assert_eq!(redact("/x?"), "/x?");
    }
}
