//! Message texts (stub until the mail-sender branch lands).
use super::outbox::NewMail;

pub fn welcome(
    to: &str,
    service_name: &str,
    union_name: &str,
    user_id: &str,
    login_url: &str,
) -> NewMail {
    NewMail {
        to: to.to_string(),
        subject: format!("{service_name}へようこそ"),
        body: format!(
            "{service_name}への登録が完了しました。\nログインユーザID: {user_id}\n{login_url}\n{union_name}\n"
        ),
    }
}
