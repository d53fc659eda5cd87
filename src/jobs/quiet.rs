//! [`JobIo`]s for tests: input from memory, nothing shown, no output file.

use std::path::Path;

use super::JobIo;

/// Feeds a job the bytes it holds and says nothing.
pub(crate) struct Quiet(pub(crate) Vec<u8>);

impl JobIo for Quiet {
    fn input(&mut self) -> anyhow::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(self.0.as_slice()))
    }
    fn progress(&mut self, _: &str, _: u64, _: u64) {}
    fn say(&mut self, _: &str) {}
    fn output_file(&mut self, _: &Path) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Answers `cancelled` once the import has reported `after` progress steps.
pub(crate) struct StopsAfter {
    pub(crate) input: Vec<u8>,
    pub(crate) steps: u64,
    pub(crate) after: u64,
}

impl JobIo for StopsAfter {
    fn input(&mut self) -> anyhow::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(self.input.as_slice()))
    }
    fn progress(&mut self, _: &str, _: u64, _: u64) {
        self.steps += 1;
    }
    fn cancelled(&self) -> bool {
        self.steps > self.after
    }
    fn say(&mut self, _: &str) {}
    fn output_file(&mut self, _: &Path) -> anyhow::Result<()> {
        Ok(())
    }
}
