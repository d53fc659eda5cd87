//! A server's reply is shown to staff and logged with the recipient masked.

#[test]
fn a_reply_naming_the_recipient_in_other_letter_case_is_masked_too() {
    let reply = "550 5.1.1 <TARO@Example.JP>: Recipient address rejected; taro@example.jp unknown";
    let masked = super::super::mask_address(reply, "taro@example.jp");
    assert!(!masked.to_ascii_lowercase().contains("taro@"), "{masked}");
    assert_eq!(
        masked,
        "550 5.1.1 <ta***@example.jp>: Recipient address rejected; ta***@example.jp unknown"
    );
    let japanese = "受信者 山田 <Hanako@Example.jp> は存在しません";
    assert_eq!(
        super::super::mask_address(japanese, "hanako@example.jp"),
        "受信者 山田 <ha***@example.jp> は存在しません"
    );
}
