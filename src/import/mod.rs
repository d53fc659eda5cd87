//! Readers of the union's CSV files (SPEC §6): UTF-8 (with or without BOM) or Shift_JIS/CP932.
