use actix_web::{HttpResponse, http::header, web};

/// Static files compiled into the binary: nothing to install beside it.
const FILES: &[(&str, &str, &str)] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../../static/style.css"),
    ),
    (
        "live.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../static/live.js"),
    ),
];

pub async fn serve(file: web::Path<String>) -> HttpResponse {
    match FILES.iter().find(|(name, _, _)| *name == file.as_str()) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(*body),
        None => HttpResponse::NotFound().finish(),
    }
}
