//! Logical clocks: Lamport's scalar clock and the hybrid logical clock.

/// A Lamport clock: a counter that every event raises, and every received
/// timestamp raises past. If a happened before b, then L(a) < L(b) (not the
/// converse: concurrent events get ordered arbitrarily).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lamport(pub u64);

impl Lamport {
    /// A local event or a send: the next timestamp.
    pub fn tick(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
    /// A receive of a message stamped `remote`: past both, then one more.
    pub fn observe(&mut self, remote: u64) -> u64 {
        self.0 = self.0.max(remote) + 1;
        self.0
    }
}

/// A hybrid logical clock (Kulkarni et al.): the largest physical time seen
/// plus a logical counter for events within it. It stays close to wall
/// time, never goes backwards, and orders causally related events, so it
/// makes a better last-writer-wins timestamp than the wall clock alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    /// The largest physical time (ms) seen so far.
    pub wall: u64,
    /// Events at that physical time.
    pub logical: u64,
}

impl Hlc {
    /// A local event or send, with the node's physical clock at `physical`.
    pub fn now(&mut self, physical: u64) -> Hlc {
        if physical > self.wall {
            *self = Hlc {
                wall: physical,
                logical: 0,
            };
        } else {
            self.logical += 1;
        }
        *self
    }
    /// A receive of `remote`, with the node's physical clock at `physical`.
    pub fn observe(&mut self, remote: Hlc, physical: u64) -> Hlc {
        let wall = self.wall.max(remote.wall).max(physical);
        let logical = if wall == self.wall && wall == remote.wall {
            self.logical.max(remote.logical) + 1
        } else if wall == self.wall {
            self.logical + 1
        } else if wall == remote.wall {
            remote.logical + 1
        } else {
            0
        };
        *self = Hlc { wall, logical };
        *self
    }
}
