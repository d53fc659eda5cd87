//! Mails about the account after registration: recovery, e-mail change, password change,
//! a lock.
//! No birth date and no password in any of them, except the recovery temporary password,
//! which is what that mail is for.

use crate::mail::outbox::NewMail;

/// The names every mail is signed with.
#[derive(Clone, Copy)]
pub struct MailNames<'a> {
    pub service: &'a str,
    pub union: &'a str,
}

impl<'a> MailNames<'a> {
    /// The union's names, as its settings give them.
    pub fn of(settings: &'a crate::settings::UnionSettings) -> MailNames<'a> {
        MailNames {
            service: &settings.service_name,
            union: &settings.union_name,
        }
    }
}

impl MailNames<'_> {
    fn subject(&self, what: &str) -> String {
        format!("【{}】{what}", self.service)
    }

    fn footer(&self) -> String {
        format!(
            "\
このメールにお心当たりのない場合は、お手数ですが{union}まで
ご連絡ください。このメールへの返信はできません。

――――――――――――――――――――
{union}
{service}
",
            union = self.union,
            service = self.service
        )
    }

    fn mail(&self, to: &str, what: &str, text: String) -> NewMail {
        NewMail {
            to: to.to_string(),
            subject: self.subject(what),
            body: format!("{text}\n{}", self.footer()),
        }
    }
}

/// IDを忘れた方: a single-use link that shows the user ID.
pub fn user_id_link(to: &str, names: MailNames, link: &str, valid_minutes: i64) -> NewMail {
    let text = format!(
        "\
ユーザIDのお問い合わせを受け付けました。
次のURLを開くと、ユーザIDが表示されます。

{link}

※URLの有効期限は{valid_minutes}分間です。一度開くと使えなくなります。
※同じメールアドレスで複数の世帯をご登録の場合は、世帯ごとにメールをお送りしています。
"
    );
    names.mail(to, "ユーザIDのお知らせ", text)
}

/// パスワードを忘れた方: the temporary password itself, and until when it works.
pub fn temporary_password(
    to: &str,
    names: MailNames,
    user_id: &str,
    password: &str,
    expires_jst: &str,
    login_url: &str,
) -> NewMail {
    let text = format!(
        "\
パスワードの再設定を受け付けました。
次の仮パスワードでログインし、新しいパスワードを設定してください。

　ユーザID：{user_id}
　仮パスワード：{password}
　有効期限：{expires_jst}

※仮パスワードでログインするまでは、これまでのパスワードもお使いいただけます。
※仮パスワードでログインすると、すぐに新しいパスワードの設定画面になります。

■ログインはこちら
{login_url}
"
    );
    names.mail(to, "仮パスワードのお知らせ", text)
}

/// 個人情報管理: the link that makes the new address the account's, sent to that address.
pub fn email_confirmation(to: &str, names: MailNames, link: &str, expires_jst: &str) -> NewMail {
    let text = format!(
        "\
メールアドレスの変更を受け付けました。
次のURLを開くと、変更が完了します。URLを開くまでは変更されません。

{link}

※URLの有効期限は{expires_jst}までです。一度開くと使えなくなります。
"
    );
    names.mail(to, "メールアドレス変更の確認", text)
}

/// Sent to the old address once the change applies.
pub fn email_changed_notice(to: &str, names: MailNames, new_masked: &str, at_jst: &str) -> NewMail {
    let text = format!(
        "\
{at_jst}に、ご登録のメールアドレスが変更されました。
新しいメールアドレス：{new_masked}

今後のお知らせは、新しいメールアドレスにお送りします。
"
    );
    names.mail(to, "メールアドレスが変更されました", text)
}

/// Sent after a password change.
pub fn password_changed_notice(to: &str, names: MailNames, at_jst: &str) -> NewMail {
    let text = format!(
        "\
{at_jst}に、パスワードが変更されました。
ほかの端末でログインしていた場合は、ログアウトしています。
"
    );
    names.mail(to, "パスワードが変更されました", text)
}

/// The account locked after repeated failed logins: only that, and what to do. `until` is
/// when the lock ends (JST), or `None` when it ends only by a recovery or the union.
pub fn account_locked(to: &str, names: MailNames, until: Option<&str>, login_url: &str) -> NewMail {
    let (service, union) = (names.service, names.union);
    let what_to_do = match until {
        Some(until) => format!(
            "\
ログインに続けて失敗したため、{service}のアカウントを一時的にロックしました。
{until}を過ぎると、もう一度ログインできます。

パスワードをお忘れの場合は、ログイン画面の「パスワードを忘れた方はこちら」から
仮パスワードの発行を受けてください。仮パスワードでログインすると、ロックは解除されます。
"
        ),
        None => format!(
            "\
ログインの失敗が続いたため、{service}のアカウントをロックしました。
このロックは、時間がたっても自動では解除されません。

ログイン画面の「パスワードを忘れた方はこちら」から仮パスワードの発行を受け、
仮パスワードでログインすると、ロックは解除されます。
または、{union}にお問い合わせください。
"
        ),
    };
    let text = format!("{what_to_do}\n■ログインはこちら\n{login_url}\n");
    names.mail(to, "アカウントをロックしました", text)
}

/// A passkey was registered on the household's account: its name only, and what to do
/// if nobody in the household did it.
pub fn passkey_registered(to: &str, names: MailNames, name: &str, at_jst: &str) -> NewMail {
    let text = format!(
        "\
{at_jst}に、パスキー「{name}」が登録されました。
このパスキーを登録した端末では、パスワードを入力せずにログインできます。

ご家族のどなたも登録していない場合は、すぐにログインして「個人情報管理」から
このパスキーを削除し、パスワードを変更してください。
"
    );
    names.mail(to, "パスキーが登録されました", text)
}

/// Passkeys were deleted from the household's account (by the household or by the union).
pub fn passkeys_deleted(to: &str, names: MailNames, deleted: &[String], at_jst: &str) -> NewMail {
    let list: String = deleted.iter().map(|n| format!("・{n}\n")).collect();
    let text = format!(
        "\
{at_jst}に、次のパスキーが削除されました。
{list}
パスワードでのログインは、これまでどおりご利用いただけます。
"
    );
    names.mail(to, "パスキーが削除されました", text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: MailNames = MailNames {
        service: "けんぽWeb",
        union: "さくら健康保険組合",
    };

    #[test]
    fn subjects_are_bracketed_with_the_service_name() {
        let m = user_id_link("a@example.jp", NAMES, "https://k.example.jp/x", 30);
        assert_eq!(m.subject, "【けんぽWeb】ユーザIDのお知らせ");
        assert!(m.body.contains("https://k.example.jp/x") && m.body.contains("30分間"));
        assert!(m.body.trim_end().ends_with("けんぽWeb"));
    }

    #[test]
    fn only_the_recovery_mail_carries_a_password() {
        let m = temporary_password("a@example.jp", NAMES, "Yamada", "Ab3de4Fg7h", "x", "u");
        assert!(m.body.contains("仮パスワード：Ab3de4Fg7h"));
        for m in [
            email_confirmation("a@example.jp", NAMES, "link", "x"),
            email_changed_notice("a@example.jp", NAMES, "ne***@example.jp", "x"),
            password_changed_notice("a@example.jp", NAMES, "x"),
            account_locked("a@example.jp", NAMES, Some("x"), "u"),
            account_locked("a@example.jp", NAMES, None, "u"),
            passkey_registered("a@example.jp", NAMES, "母のiPhone", "x"),
            passkeys_deleted("a@example.jp", NAMES, &["母のiPhone".into()], "x"),
        ] {
            assert!(!m.body.contains("パスワード："), "{}", m.body);
            assert!(!m.body.contains("生年月日"), "{}", m.body);
        }
    }
}
