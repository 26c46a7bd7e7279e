//! QR codes as inline SVG: presentation attributes only (the
//! Content-Security-Policy forbids inline style), so they print and scale.

use maud::{Markup, PreEscaped, html};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// A QR code of `url`, labelled for screen readers; the URL in plain text
/// beside it stays the fallback. Nothing (empty markup) if the URL is too
/// long for a QR code.
pub fn qr_svg(url: &str, label: &str) -> Markup {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return html! {};
    };
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The renderer writes a whole XML document: keep only the `<svg>` element.
    let element = image.find("<svg").map_or("", |start| &image[start..]);
    html! {
        div.qr role="img" aria-label=(label) data-url=(url) {
            (PreEscaped(element))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_svg_that_changes_with_the_url() {
        let a = qr_svg("https://scrutin.example/vote/aaaa", "QR").into_string();
        let b = qr_svg("https://scrutin.example/vote/bbbb", "QR").into_string();
        assert!(a.contains("<svg") && a.ends_with("</svg></div>"), "{a}");
        assert!(!a.contains("<?xml") && !a.contains("style="));
        let path = |s: &str| s.split(" d=\"").nth(1).map(str::to_string);
        assert_ne!(path(&a), path(&b), "another URL, another code");
    }
}
