//! TODO (stub until the importers branch lands)
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct HouseholdKey {
    pub symbol: String,
    pub number: String,
}
