//! Operations on the regions of the state.

pub mod describe_regions;
