//! The 印刷する button of the printable notices. `assets/print.js` (a file, as the CSP
//! allows no inline script) shows it and prints on a click; without script it stays
//! hidden and the hint beside it points to the browser's own print.

use maud::{Markup, html};

use crate::web::assets;

pub fn print_button() -> Markup {
    html! {
        div.print-actions {
            p.hint { "A4 縦の用紙に印刷できます。ボタンが表示されないときは、ブラウザの印刷機能をお使いください。" }
            button.button.button--secondary type="button" data-print hidden { "印刷する" }
            script src=(assets::url("print.js")) defer {}
        }
    }
}
