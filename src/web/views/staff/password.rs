//! パスワードの変更 (each staff member, for their own account).

use maud::{Markup, html};

use crate::web::Ctx;
use crate::web::views::components::{Field, csrf, error_summary};

/// The form; `error` is (field name, message), `flash` the answer to a change.
pub fn form(ctx: &Ctx, error: Option<(&str, &str)>, flash: Option<&str>) -> Markup {
    let errors: Vec<(&str, &str)> = error.into_iter().collect();
    let err = |name: &str| error.filter(|(f, _)| *f == name).map(|(_, m)| m);
    html! {
        h1 { "パスワードの変更" }
        @if let Some(f) = flash { p.flash role="status" { (f) } }
        (error_summary(&errors))
        form.card method="post" action="/staff/password" hx-post="/staff/password" hx-target="#main" novalidate {
            (csrf(ctx))
            (Field { kind: "password", autocomplete: "current-password", error: err("current_password"), autofocus: err("current_password").is_some(), ..Field::new("current_password", "現在のパスワード") }.render())
            (Field { kind: "password", autocomplete: "new-password", error: err("new_password"), hint: Some("12文字以上128文字以内の半角英数字・記号。英字と数字をそれぞれ1文字以上含め、ログインIDや組合の名称を含めないでください。"), ..Field::new("new_password", "新しいパスワード") }.render())
            (Field { kind: "password", autocomplete: "new-password", error: err("confirmation"), ..Field::new("confirmation", "新しいパスワード（確認）") }.render())
            p.hint { "変更すると、ほかの端末やブラウザでのこのアカウントのログインは終了します。" }
            div.actions { button.button.button--primary type="submit" { "変更する" } }
        }
    }
}
