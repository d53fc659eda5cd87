//! The mails kenpo sends, as pure functions: the words live here, the sending elsewhere.

use crate::mail::outbox::NewMail;

mod account;

pub use account::{
    MailNames, account_locked, email_changed_notice, email_confirmation, passkey_registered,
    passkeys_deleted, password_changed_notice, temporary_password, user_id_link,
};

/// The welcome mail after registration: states the login user ID, never a password.
pub fn welcome(
    to: &str,
    service_name: &str,
    union_name: &str,
    user_id: &str,
    login_url: &str,
) -> NewMail {
    let body = format!(
        "\
{service_name}の初期登録が完了しました。
ご登録いただき、ありがとうございます。

ログインの際は、次のユーザIDをお使いください。
ユーザIDとパスワードは世帯共通です。

　ユーザID：{user_id}

※このメールにはパスワードを記載していません。パスワードは、ご登録の際に
　ご自身で設定されたものをお使いください。
※ユーザIDは変更できません。このメールは印刷するか保存するなどして、
　大切に保管してください。

■ログインはこちら
{login_url}

このメールにお心当たりのない場合は、お手数ですが{union_name}まで
ご連絡ください。

――――――――――――――――――――
{union_name}
{service_name}
"
    );
    NewMail {
        to: to.to_string(),
        subject: format!("{service_name}へようこそ"),
        body,
    }
}

/// A mail staff send to check that the SMTP settings work.
pub fn test_mail(to: &str, service_name: &str) -> NewMail {
    let body = format!(
        "\
このメールは、{service_name}の管理画面から送信したテストメールです。
このメールが届いていれば、メール送信の設定は正しく動作しています。

このメールへの返信は不要です。

――――――――――――――――――――
{service_name}
"
    );
    NewMail {
        to: to.to_string(),
        subject: format!("【{service_name}】テストメール"),
        body,
    }
}

/// New claims were published (SPEC §5.5). A family may share the mailbox: no names, no
/// medical details, only that something new can be seen after logging in.
pub fn new_information(
    to: &str,
    service_name: &str,
    union_name: &str,
    public_url: &str,
) -> NewMail {
    let login = if public_url.is_empty() {
        "組合からのご案内にあるアドレスからログインしてください。".to_string()
    } else {
        format!("{}/", public_url.trim_end_matches('/'))
    };
    let body = format!(
        "\
{service_name}に新しい情報を掲載しました。
ログインしてご確認ください。

■ログインはこちら
{login}

※このメールは、通知情報更新時のメール通知を希望された方にお送りしています。
　通知が不要な場合は、ログイン後の個人情報管理で変更できます。
※このメールへの返信は不要です。

――――――――――――――――――――
{union_name}
{service_name}
"
    );
    NewMail {
        to: to.to_string(),
        subject: format!("【{service_name}】新しい情報を掲載しました"),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_information_links_to_the_login_page_and_names_nobody() {
        let mail = new_information(
            "taro@example.jp",
            "けんぽWeb",
            "さくら健康保険組合",
            "https://kenpo.example.jp",
        );
        assert_eq!(mail.subject, "【けんぽWeb】新しい情報を掲載しました");
        assert!(mail.body.contains("https://kenpo.example.jp/\n"));
        for medical in ["医療費", "円", "病院", "薬局"] {
            assert!(!mail.body.contains(medical), "{medical}");
        }
        let without_url = new_information("a@example.jp", "けんぽWeb", "組合", "");
        assert!(without_url.body.contains("組合からのご案内"));
    }

    fn sample() -> NewMail {
        welcome(
            "taro@example.jp",
            "けんぽWeb",
            "さくら健康保険組合",
            "yamada.taro1",
            "https://kenpo.example.jp/",
        )
    }

    #[test]
    fn welcome_subject_is_the_service_name_with_yokoso() {
        let mail = sample();
        assert_eq!(mail.subject, "けんぽWebへようこそ");
        assert_eq!(mail.to, "taro@example.jp");
    }

    #[test]
    fn welcome_states_the_user_id_and_the_login_url() {
        let mail = sample();
        assert!(
            mail.body.contains("ユーザID：yamada.taro1"),
            "{}",
            mail.body
        );
        assert!(mail.body.contains("https://kenpo.example.jp/"));
        assert!(mail.body.contains("世帯共通"));
    }

    #[test]
    fn welcome_never_carries_a_password_value() {
        let body = sample().body;
        assert!(!body.contains("パスワード："));
        assert!(!body.contains("パスワード:"));
        assert!(body.contains("パスワードを記載していません"));
    }

    #[test]
    fn welcome_advises_keeping_the_mail_and_names_the_union() {
        let body = sample().body;
        assert!(body.contains("保管してください"));
        assert!(body.contains("お心当たりのない場合"));
        assert!(body.contains("さくら健康保険組合まで"));
        assert!(body.trim_end().ends_with("けんぽWeb"));
    }

    #[test]
    fn test_mail_has_the_bracketed_subject() {
        let mail = test_mail("staff@example.jp", "けんぽWeb");
        assert_eq!(mail.subject, "【けんぽWeb】テストメール");
        assert_eq!(mail.to, "staff@example.jp");
        assert!(mail.body.contains("テストメール"));
    }
}
