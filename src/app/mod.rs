//! UI-free app state: the live run wrapper (pace, selection, scrolls), the
//! progress marks, and the state of a gauntlet and of a review session.
//! Plain synchronous Rust: the terminal front end in `tui` is one consumer.

pub mod live;
pub mod marks;
pub mod quiz;
pub mod review;
