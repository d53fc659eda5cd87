//! A page that writes when it is looked at — an export of every member, a view recorded in
//! the audit log, a notice marked read — is a state change too, and a GET: `SameSite=Lax`
//! sends the session cookie with a link another site shows. Such a link must not drop the
//! members file into a staff member's Downloads folder, nor write an audit row saying a
//! named clerk looked at a household. So a GET that another site started
//! (`Sec-Fetch-Site` neither `same-origin` nor `none`, which a typed address or a
//! bookmark sends) of any page below `/menu/` or `/staff/` is sent to the landing page of
//! its area, which writes nothing. Links to `/`, `/menu`, `/staff` and the login pages,
//! which the union's own site and kenpo's mails use, work as before.

/// Where to send a GET of `path` that `sec_fetch_site` says another site started, or
/// `None` to serve it.
pub(super) fn landing_for(path: &str, sec_fetch_site: Option<&str>) -> Option<&'static str> {
    match sec_fetch_site {
        None | Some("same-origin") | Some("none") => return None,
        Some(_) => {}
    }
    if let Some(rest) = path.strip_prefix("/staff/") {
        let open = rest.is_empty() || rest.starts_with("login");
        return (!open).then_some("/staff");
    }
    let rest = path.strip_prefix("/menu/")?;
    (!rest.is_empty()).then_some("/menu")
}

#[cfg(test)]
mod tests {
    use super::landing_for;

    #[test]
    fn a_page_that_writes_is_not_served_to_a_link_from_elsewhere() {
        for (path, landing) in [
            ("/staff/export/members.csv", "/staff"),
            ("/staff/audit/export", "/staff"),
            ("/staff/households/1201-105", "/staff"),
            ("/staff/postcards/download/Zk3Qx9", "/staff"),
            ("/menu/tax-notice.csv", "/menu"),
            ("/menu/tax-notice", "/menu"),
            ("/menu/expenses", "/menu"),
            ("/menu/benefits/K2026-00042", "/menu"),
            ("/menu/notices/7", "/menu"),
        ] {
            for site in ["cross-site", "same-site"] {
                assert_eq!(
                    landing_for(path, Some(site)),
                    Some(landing),
                    "{path} {site}"
                );
            }
            for site in [None, Some("same-origin"), Some("none")] {
                assert_eq!(landing_for(path, site), None, "{path} {site:?}");
            }
        }
    }

    #[test]
    fn landing_and_login_pages_open_from_anywhere() {
        for path in [
            "/",
            "/menu",
            "/menu/",
            "/staff",
            "/staff/",
            "/staff/login",
            "/staff/login/code",
            "/register/identity",
            "/healthz",
            "/assets/kenpo.css",
        ] {
            assert_eq!(landing_for(path, Some("cross-site")), None, "{path}");
        }
    }
}
