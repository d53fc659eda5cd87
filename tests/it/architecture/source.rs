//! Reading one source file: comments and literals blanked out, then every path that names
//! a module of the crate (`use crate::..`, `crate::..`, `super::..`, `self::..` in code).

pub use super::blank::blank_comments_and_literals;

/// A path written in a file, its segments as written, and the line it stands on.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    pub segments: Vec<String>,
    pub line: usize,
    /// The names of the inline `mod x { .. }` blocks the path stands in (for `super`).
    pub inline: Vec<String>,
    /// `pub use` (or `pub(..) use`): the leaf name is re-exported under this name.
    pub exported_as: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Path, // ::
    Open,
    Close,
    Comma,
    Semi,
    Star,
    Other(char),
}

fn tokens(code: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Ident(chars[start..i].iter().collect()), line));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push((Token::Path, line));
            i += 2;
        } else {
            let token = match c {
                '{' => Token::Open,
                '}' => Token::Close,
                ',' => Token::Comma,
                ';' => Token::Semi,
                '*' => Token::Star,
                other => Token::Other(other),
            };
            out.push((token, line));
            i += 1;
        }
    }
    out
}

/// Every module path the file writes, from already blanked code.
pub fn references(code: &str) -> Vec<Reference> {
    let tokens = tokens(code);
    let mut refs = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new(); // (name, brace depth it opened at)
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let ident = |k: usize| match tokens.get(k) {
            Some((Token::Ident(s), _)) => Some(s.as_str()),
            _ => None,
        };
        match &tokens[i].0 {
            Token::Open => depth += 1,
            Token::Close => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some(name), Some((Token::Open, _))) = (ident(i + 1), tokens.get(i + 2)) {
                    inline.push((name.to_string(), depth));
                }
            }
            Token::Ident(word) if word == "use" => {
                let public = is_public(&tokens, i);
                let (trees, end) = use_tree(&tokens, i + 1, Vec::new());
                let names: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
                for (segments, alias, line) in trees {
                    let exported_as = public.then(|| alias.clone()).flatten();
                    refs.push(Reference {
                        segments,
                        line,
                        inline: names.clone(),
                        exported_as,
                    });
                }
                i = end;
                continue;
            }
            Token::Ident(word)
                if matches!(word.as_str(), "crate" | "super" | "self")
                    && tokens.get(i + 1).is_some_and(|t| t.0 == Token::Path)
                    && !(i > 0 && tokens[i - 1].0 == Token::Path) =>
            {
                let line = tokens[i].1;
                let mut segments = vec![word.clone()];
                let mut k = i + 1;
                while tokens.get(k).is_some_and(|t| t.0 == Token::Path) {
                    let Some(next) = ident(k + 1) else { break };
                    segments.push(next.to_string());
                    k += 2;
                }
                let names = inline.iter().map(|(n, _)| n.clone()).collect();
                refs.push(Reference {
                    segments,
                    line,
                    inline: names,
                    exported_as: None,
                });
                i = k;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    refs
}

fn is_public(tokens: &[(Token, usize)], use_at: usize) -> bool {
    let mut k = use_at;
    if k >= 1 && tokens[k - 1].0 == Token::Other(')') {
        while k > 0 && tokens[k - 1].0 != Token::Other('(') {
            k -= 1;
        }
        k = k.saturating_sub(1);
    }
    k >= 1 && tokens[k - 1].0 == Token::Ident("pub".into())
}

type Leaf = (Vec<String>, Option<String>, usize);

/// One use tree from `start`: its leaves (full path, name it binds, line), and where it ends.
fn use_tree(tokens: &[(Token, usize)], start: usize, prefix: Vec<String>) -> (Vec<Leaf>, usize) {
    let mut path = prefix;
    let mut leaves = Vec::new();
    let mut i = start;
    while i < tokens.len() {
        let (token, line) = &tokens[i];
        match token {
            Token::Ident(word) if word == "as" => {
                if let Some((Token::Ident(alias), _)) = tokens.get(i + 1)
                    && let Some(last) = leaves.last_mut()
                {
                    let (_, bound, _): &mut Leaf = last;
                    *bound = Some(alias.clone());
                }
                i += 2;
                continue;
            }
            Token::Ident(word) => {
                path.push(word.clone());
                let ends = !matches!(tokens.get(i + 1), Some((Token::Path, _)));
                if ends {
                    let mut full = path.clone();
                    let bound = if word == "self" {
                        full.pop();
                        full.last().cloned()
                    } else {
                        Some(word.clone())
                    };
                    leaves.push((full, bound, *line));
                }
            }
            Token::Path => {}
            Token::Star => leaves.push((path.clone(), None, *line)),
            Token::Open => {
                let mut k = i + 1;
                loop {
                    let (inner, end) = use_tree(tokens, k, path.clone());
                    leaves.extend(inner);
                    k = end;
                    match tokens.get(k) {
                        Some((Token::Comma, _)) => k += 1,
                        Some((Token::Close, _)) => {
                            k += 1;
                            break;
                        }
                        _ => break,
                    }
                    if matches!(tokens.get(k), Some((Token::Close, _))) {
                        k += 1;
                        break;
                    }
                }
                return (leaves, skip_semi(tokens, k));
            }
            Token::Comma | Token::Close => return (leaves, i),
            Token::Semi => return (leaves, i + 1),
            Token::Other(_) => return (leaves, i),
        }
        i += 1;
    }
    (leaves, i)
}

fn skip_semi(tokens: &[(Token, usize)], k: usize) -> usize {
    match tokens.get(k) {
        Some((Token::Semi, _)) => k + 1,
        _ => k,
    }
}
