//! The house is one-way. `src/lib.rs` names the layers, lowest first; this test reads every
//! file under `src/`, the paths it names (`use crate::..`, `crate::..`, `super::..` in code,
//! through `pub use` re-exports to the file that defines the item), and fails on
//! - an import that goes up the layer order,
//! - a cycle between files (a module's file naming its own children is no import: a parent
//!   owns its children, and its `pub use` lines are followed to the child that defines), and
//! - a cycle between top-level modules (two modules of one layer naming each other).
//!
//! It reads text only and needs nothing but std, so it also runs on its own:
//! `rustc --edition 2024 --test tests/it/architecture/mod.rs -o /tmp/arch && /tmp/arch`.

mod blank;
mod graph;
mod source;
#[cfg(test)]
mod tests;

use graph::{File, Graph};
use std::path::{Path, PathBuf};

/// The layer order written at the top of `src/lib.rs`: the doc lines after `Layers`, up to
/// the first empty doc line, split on `<`; a parenthesised group is one layer.
pub fn layers(lib: &str) -> Vec<Vec<String>> {
    let order: String = lib
        .lines()
        .skip_while(|l| !l.starts_with("//! Layers"))
        .skip(1)
        .skip_while(|l| l.trim() == "//!")
        .take_while(|l| l.starts_with("//!") && l.trim() != "//!")
        .map(|l| l.trim_start_matches("//!"))
        .collect::<Vec<_>>()
        .join(" ");
    order
        .split('<')
        .map(|layer| {
            layer
                .replace(['(', ')', '`'], " ")
                .split(',')
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty())
                .collect()
        })
        .collect()
}

fn source_root() -> PathBuf {
    let root = option_env!("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    root.join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every file of the crate but the roots (`lib.rs`, `main.rs`).
pub fn crate_files(src: &Path) -> Vec<File> {
    let mut paths = Vec::new();
    rust_files(src, &mut paths);
    paths
        .iter()
        .filter_map(|path| {
            let relative = path
                .strip_prefix(src)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            if relative == "lib.rs" || relative == "main.rs" {
                return None;
            }
            let text =
                std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {relative}: {e}"));
            Some(File::new(&relative, &text))
        })
        .collect()
}

/// Everything wrong with a crate: modules missing from the order, upward imports, cycles.
pub fn problems(lib: &str, files: Vec<File>) -> (Graph, Vec<String>) {
    let layers = layers(lib);
    let mut problems = Vec::new();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("pub mod ")
                .or_else(|| l.trim().strip_prefix("mod "))
        })
        .map(|l| l.trim_end_matches(';'))
        .collect();
    for module in &declared {
        let count = layers.iter().flatten().filter(|m| m == module).count();
        if count != 1 {
            problems.push(format!(
                "module `{module}` stands {count} times in the layer order"
            ));
        }
    }
    for module in layers.iter().flatten() {
        if !declared.contains(&module.as_str()) {
            problems.push(format!(
                "the layer order names `{module}`, which lib.rs does not declare"
            ));
        }
    }
    let graph = Graph::new(files);
    problems.extend(graph.upward(&layers));
    for group in graph.file_cycles() {
        let lines = graph.edges_within(&group).join("; ");
        problems.push(format!(
            "files import each other in a cycle: {} ({lines})",
            group.join(", ")
        ));
    }
    for group in graph.module_cycles() {
        problems.push(format!(
            "modules import each other in a cycle: {}",
            group.join(", ")
        ));
    }
    (graph, problems)
}

#[test]
fn every_module_imports_only_from_below_it_and_no_files_form_a_cycle() {
    let src = source_root();
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read src/lib.rs");
    let layers = layers(&lib);
    let (graph, problems) = problems(&lib, crate_files(&src));
    let order: Vec<String> = layers.iter().map(|l| l.join(", ")).collect();
    println!("layers, lowest first: {}", order.join(" < "));
    println!(
        "{} files, {} imports between files",
        graph.files.len(),
        graph.edges.len()
    );
    assert!(
        layers.len() > 5,
        "no layer order found at the top of src/lib.rs"
    );
    assert!(
        problems.is_empty(),
        "the house is not one-way:\n{}",
        problems.join("\n")
    );
    println!("no upward import, no cycle");
}
