//! Notice bodies: plain text with a small, safe subset. Everything is escaped; blank lines
//! make paragraphs, single line breaks stay, lines starting with `- `, `・` or `* ` make a
//! bullet list, and `## ` a heading. No HTML, no links.

use maud::{Markup, html};

enum Block<'a> {
    Paragraph(Vec<&'a str>),
    List(Vec<&'a str>),
    Heading(&'a str),
}

fn bullet(line: &str) -> Option<&str> {
    ["- ", "* ", "・"]
        .iter()
        .find_map(|m| line.strip_prefix(m))
        .map(str::trim)
}

fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out: Vec<Block<'_>> = Vec::new();
    let mut blank = true;
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        if let Some(h) = line.strip_prefix("## ") {
            out.push(Block::Heading(h.trim()));
            blank = true;
            continue;
        }
        match (bullet(line), out.last_mut()) {
            (Some(item), Some(Block::List(items))) if !blank => items.push(item),
            (Some(item), _) => out.push(Block::List(vec![item])),
            (None, Some(Block::Paragraph(lines))) if !blank => lines.push(line),
            (None, _) => out.push(Block::Paragraph(vec![line])),
        }
        blank = false;
    }
    out
}

pub fn render(text: &str) -> Markup {
    html! {
        @for block in blocks(text) {
            @match block {
                Block::Heading(h) => { h3 { (h) } }
                Block::List(items) => { ul { @for i in items { li { (i) } } } }
                Block::Paragraph(lines) => {
                    p { @for (i, l) in lines.iter().enumerate() { @if i > 0 { br; } (l) } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn escapes_markup_and_builds_paragraphs_and_lists() {
        let html = render("<script>x</script>\n二行目\n\n- 一\n- 二\n\n## 見出し").into_string();
        assert_eq!(
            html,
            "<p>&lt;script&gt;x&lt;/script&gt;<br>二行目</p><ul><li>一</li><li>二</li></ul><h3>見出し</h3>"
        );
    }
}
