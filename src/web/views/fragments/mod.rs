//! Pieces of a page that are also rendered alone: the quorum, a frozen
//! result, and the live screen's content pushed over Server-Sent Events.

pub mod live;
pub mod quorum;
pub mod result;
