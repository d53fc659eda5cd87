//! The staff page layout: the navigation bar (or, during enrolment, only who and logout)
//! above the content, and the 403 page a 担当者 gets for a 管理者's screen.

use maud::{Markup, html};

use super::nav::visible;
use crate::auth::model::StaffUser;
use crate::web::Ctx;
use crate::web::views::components::csrf;

/// A staff page's content below the navigation bar.
pub fn staff(ctx: &Ctx, user: &StaffUser, content: Markup) -> Markup {
    html! {
        (nav(ctx, user))
        (content)
    }
}

/// A page of the enrolment a staff member must finish first: no menu, only logout.
pub fn enrolment(ctx: &Ctx, user: &StaffUser, content: Markup) -> Markup {
    html! {
        (enrolment_bar(ctx, user))
        (content)
    }
}

/// 403: a 担当者 asked for a 管理者's screen.
pub fn forbidden() -> Markup {
    html! {
        h1 { "権限がありません" }
        p role="alert" { "この画面は管理者のみ利用できます。必要な場合は管理者にご依頼ください。" }
    }
}

/// The navigation bar: who is logged in, the screens they may use, and logout.
pub fn nav(ctx: &Ctx, user: &StaffUser) -> Markup {
    bar(ctx, user, true)
}

/// The bar above the enrolment a staff member must finish first: who, and logout only.
pub fn enrolment_bar(ctx: &Ctx, user: &StaffUser) -> Markup {
    bar(ctx, user, false)
}

fn bar(ctx: &Ctx, user: &StaffUser, with_menu: bool) -> Markup {
    let role = crate::auth::staff_accounts::role_label(user.role);
    html! {
        nav.staff-nav aria-label="管理メニュー" {
            p.staff-nav__who { "管理画面 ｜ " (user.login) "（" (role) "）" }
            ul.staff-nav__list {
                @if with_menu {
                    @for (path, label, _) in visible(user) {
                        li { a.staff-nav__link href=(path) { (label) } }
                    }
                }
                li {
                    form.staff-nav__logout method="post" action="/staff/logout" {
                        (csrf(ctx))
                        button.button.button--secondary type="submit" { "ログアウト" }
                    }
                }
            }
        }
    }
}
