//! The import graph between the crate's files, and the two rules read off it.

use super::source::{Reference, blank_comments_and_literals, references};
use std::collections::{BTreeMap, BTreeSet};

/// One source file: its path below `src/`, its module path, and what it references.
pub struct File {
    pub path: String,
    pub module: Vec<String>,
    pub refs: Vec<Reference>,
}

impl File {
    pub fn new(path: &str, text: &str) -> File {
        let trimmed = path.trim_end_matches(".rs");
        let mut module: Vec<String> = trimmed.split('/').map(str::to_string).collect();
        if module.last().is_some_and(|m| m == "mod") {
            module.pop();
        }
        let refs = references(&blank_comments_and_literals(text));
        File {
            path: path.to_string(),
            module,
            refs,
        }
    }
}

/// An import from one file to another, and where it is written.
#[derive(Clone, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub line: usize,
    pub target: String,
}

pub struct Graph {
    pub files: Vec<File>,
    pub edges: Vec<Edge>,
}

impl Graph {
    pub fn new(files: Vec<File>) -> Graph {
        let by_module: BTreeMap<Vec<String>, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.module.clone(), i))
            .collect();
        let exports = exports(&files, &by_module);
        let mut edges: BTreeMap<(usize, usize), Edge> = BTreeMap::new();
        for (from, file) in files.iter().enumerate() {
            for reference in &file.refs {
                let Some(path) = absolute(&file.module, reference, &by_module) else {
                    continue;
                };
                let Some(to) = resolve(&path, &by_module, &exports, 0) else {
                    continue;
                };
                // A module owns its children: a parent naming its child is no import.
                let owns = files[to].module.starts_with(&file.module);
                if to == from || owns {
                    continue;
                }
                let target = path.join("::");
                edges.entry((from, to)).or_insert(Edge {
                    from,
                    to,
                    line: reference.line,
                    target,
                });
            }
        }
        Graph {
            files,
            edges: edges.into_values().collect(),
        }
    }

    /// Imports that go up the layer order: (file:line, what it names, its layer, the target's).
    pub fn upward(&self, layers: &[Vec<String>]) -> Vec<String> {
        let rank = |file: &File| layers.iter().position(|l| l.contains(&file.module[0]));
        let mut found = Vec::new();
        for edge in &self.edges {
            let (from, to) = (&self.files[edge.from], &self.files[edge.to]);
            if let (Some(a), Some(b)) = (rank(from), rank(to))
                && b > a
            {
                found.push(format!(
                    "{}:{} imports crate::{} ({} is below {})",
                    from.path, edge.line, edge.target, from.module[0], to.module[0]
                ));
            }
        }
        found
    }

    /// The cycles between files: each strongly connected group of more than one file.
    pub fn file_cycles(&self) -> Vec<Vec<String>> {
        let arcs: Vec<(usize, usize)> = self.edges.iter().map(|e| (e.from, e.to)).collect();
        let groups = strongly_connected(self.files.len(), &arcs);
        groups
            .into_iter()
            .map(|g| g.into_iter().map(|i| self.files[i].path.clone()).collect())
            .collect()
    }

    /// The cycles between top-level modules (such as two modules of one layer).
    pub fn module_cycles(&self) -> Vec<Vec<String>> {
        let tops: Vec<String> = self
            .files
            .iter()
            .map(|f| f.module[0].clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index = |f: &File| tops.iter().position(|t| *t == f.module[0]).unwrap_or(0);
        let arcs: Vec<(usize, usize)> = self
            .edges
            .iter()
            .map(|e| (index(&self.files[e.from]), index(&self.files[e.to])))
            .filter(|(a, b)| a != b)
            .collect();
        let groups = strongly_connected(tops.len(), &arcs);
        groups
            .into_iter()
            .map(|g| g.into_iter().map(|i| tops[i].clone()).collect())
            .collect()
    }

    /// The edges inside one group, to say which lines close a cycle.
    pub fn edges_within(&self, group: &[String]) -> Vec<String> {
        let inside = |i: usize| group.contains(&self.files[i].path);
        self.edges
            .iter()
            .filter(|e| inside(e.from) && inside(e.to))
            .map(|e| {
                format!(
                    "{}:{} -> {}",
                    self.files[e.from].path, e.line, self.files[e.to].path
                )
            })
            .collect()
    }
}

/// The path a reference names, from the crate root; `None` for other crates and std.
fn absolute(
    module: &[String],
    reference: &Reference,
    by_module: &BTreeMap<Vec<String>, usize>,
) -> Option<Vec<String>> {
    let mut here: Vec<String> = module.to_vec();
    here.extend(reference.inline.iter().cloned());
    let mut segments = reference.segments.iter().peekable();
    let mut path = match segments.peek().map(|s| s.as_str()) {
        Some("crate") => {
            segments.next();
            Vec::new()
        }
        Some("super") | Some("self") => here.clone(),
        Some(first) => {
            let mut child = module.to_vec();
            child.push(first.to_string());
            if !by_module.contains_key(&child) {
                return None;
            }
            module.to_vec()
        }
        None => return None,
    };
    for segment in segments {
        match segment.as_str() {
            "super" => {
                path.pop()?;
            }
            "self" => {}
            other => path.push(other.to_string()),
        }
    }
    (!path.is_empty()).then_some(path)
}

type Exports = BTreeMap<usize, BTreeMap<String, Vec<String>>>;

/// What each file re-exports with `pub use`: the name, and the full path it stands for.
fn exports(files: &[File], by_module: &BTreeMap<Vec<String>, usize>) -> Exports {
    let mut all = Exports::new();
    for (i, file) in files.iter().enumerate() {
        for reference in &file.refs {
            let Some(name) = &reference.exported_as else {
                continue;
            };
            if let Some(path) = absolute(&file.module, reference, by_module) {
                all.entry(i).or_default().insert(name.clone(), path);
            }
        }
    }
    all
}

/// The file that defines what a full path names, following re-exports.
fn resolve(
    path: &[String],
    by_module: &BTreeMap<Vec<String>, usize>,
    exports: &Exports,
    depth: usize,
) -> Option<usize> {
    let len = (1..=path.len())
        .rev()
        .find(|n| by_module.contains_key(&path[..*n]))?;
    let file = by_module[&path[..len]];
    if depth < 8
        && let Some(next) = path.get(len)
        && let Some(target) = exports.get(&file).and_then(|e| e.get(next))
        && target.as_slice() != path
    {
        let mut followed = target.clone();
        followed.extend(path[len + 1..].iter().cloned());
        return resolve(&followed, by_module, exports, depth + 1).or(Some(file));
    }
    Some(file)
}

/// Tarjan's strongly connected components of more than one node.
fn strongly_connected(nodes: usize, arcs: &[(usize, usize)]) -> Vec<Vec<usize>> {
    struct State {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        groups: Vec<Vec<usize>>,
    }
    fn visit(v: usize, out: &[Vec<usize>], s: &mut State) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &out[v] {
            match s.index[w] {
                None => {
                    visit(w, out, s);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(i) if s.on_stack[w] => s.low[v] = s.low[v].min(i),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                group.push(w);
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.groups.push(group);
            }
        }
    }
    let mut out = vec![Vec::new(); nodes];
    for &(a, b) in arcs {
        out[a].push(b);
    }
    let mut s = State {
        index: vec![None; nodes],
        low: vec![0; nodes],
        on_stack: vec![false; nodes],
        stack: Vec::new(),
        next: 0,
        groups: Vec::new(),
    };
    for v in 0..nodes {
        if s.index[v].is_none() {
            visit(v, &out, &mut s);
        }
    }
    s.groups
}
