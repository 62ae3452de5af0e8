//! The protocol's data types.
pub mod body_structure;
pub mod capability;
pub mod envelope;
pub mod section;

pub use body_structure::BodyStructure;
pub use capability::Capability;
pub use envelope::{Address, Envelope};
pub use section::{BodySection, Section, SectionText};
