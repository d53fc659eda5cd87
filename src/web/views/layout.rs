//! The page shell: Japanese, responsive, accessible, no inline script or style.

use maud::{DOCTYPE, Markup, html};

use crate::web::{Ctx, assets};

/// htmx settings: no eval, no script tags, no history cache (medical pages never land in
/// localStorage), error answers swapped in so their message is seen, and no inheritance:
/// an element states its own `hx-target`, `hx-push-url`… (an element inside a form that
/// pushes its URL once inherited `hx-push-url` and wrote its own request into the address
/// bar). `hx-headers` (the CSRF token on `<body>`) is merged from ancestors either way.
const HTMX_CONFIG: &str = r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"historyCacheSize":0,"selfRequestsOnly":true,"disableInheritance":true,"responseHandling":[{"code":"204","swap":false},{"code":"...","swap":true}]}"#;

pub fn service_name(ctx: &Ctx) -> &str {
    if ctx.settings.service_name.is_empty() {
        crate::settings::DEFAULT_SERVICE_NAME
    } else {
        &ctx.settings.service_name
    }
}

fn full_title(ctx: &Ctx, title: &str) -> String {
    format!("{title} | {}", service_name(ctx))
}

pub fn page(ctx: &Ctx, title: &str, content: Markup) -> Markup {
    let csrf_header = format!(r#"{{"X-CSRF-Token":"{}"}}"#, ctx.csrf_token);
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="htmx-config" content=(HTMX_CONFIG);
                title { (full_title(ctx, title)) }
                @for sheet in assets::STYLESHEETS { link rel="stylesheet" href=(assets::url(sheet)); }
                script src=(assets::url("vendor/htmx-2.0.11.min.js")) defer {}
                script src=(assets::url("passkey.js")) defer {}
            }
            body hx-headers=(csrf_header) {
                a.skip href="#main" { "本文へ移動" }
                header.site-header {
                    div.site-header__inner {
                        p.site-name { (service_name(ctx)) }
                        @if !ctx.settings.union_name.is_empty() {
                            p.union-name { (ctx.settings.union_name) }
                        }
                    }
                }
                main #main tabindex="-1" {
                    (content)
                }
                footer.site-footer {
                    a href="/terms" { "注意事項・免責事項・セキュリティポリシー等" }
                    p { "© " (ctx.settings.union_name) }
                }
            }
        }
    }
}

/// The `<main>` content alone, with a `<title>` that htmx moves into the head.
pub fn fragment(ctx: &Ctx, title: &str, content: Markup) -> Markup {
    html! {
        title { (full_title(ctx, title)) }
        (content)
    }
}
