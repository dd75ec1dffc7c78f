//! The CRDT scenarios' settings: how replicas gossip and restart, and the
//! choices of individual types.

use crate::sim::{Millis, Setting, words};

#[derive(Clone, Debug)]
pub struct CrdtConfig {
    /// Replicas push their state to every other on a timer.
    pub gossip: bool,
    pub gossip_every: Millis,
    /// A restarted replica keeps its state (`restart=durable`) or comes
    /// back empty and counts dots from zero again (`restart=amnesia`).
    pub durable: bool,
    /// PN-Counter: the application refuses a decrement that would take the
    /// value it sees below this (`floor=0`), or never (`floor=none`).
    pub floor: Option<i64>,
    /// OR-Set: which of the two representations the CRDT pane shows.
    pub tombstones: bool,
    /// LWW register: equal timestamps broken by node id (`ties=node-id`),
    /// or each replica keeps the write it has (`ties=keep-mine`).
    pub ties_by_id: bool,
    /// Text: which merge the replicas show, RGA or the naive one.
    pub naive_text: bool,
    /// Counters: replicas send each update as an operation (`delivery=op`)
    /// instead of gossiping states.
    pub op_based: bool,
    /// Versioned cart: per-server version vectors instead of dotted ones.
    pub server_vv: bool,
    /// LWW store: stamps from a hybrid logical clock instead of the wall clock.
    pub hlc: bool,
}

impl Default for CrdtConfig {
    fn default() -> Self {
        Self {
            gossip: true,
            gossip_every: 1000,
            durable: true,
            floor: Some(0),
            tombstones: true,
            ties_by_id: true,
            naive_text: false,
            op_based: false,
            server_vv: false,
            hlc: false,
        }
    }
}

fn on_off(v: &str, what: &str) -> Result<bool, String> {
    match v {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("{what} is on or off, not '{v}'")),
    }
}

fn word(b: bool) -> String {
    if b { "on" } else { "off" }.into()
}

pub const GOSSIP: Setting<CrdtConfig> = Setting {
    name: "gossip",
    key: Some('S'),
    help: "anti-entropy gossip: every replica pushes its whole state to every other each period; off, replicas only learn by sync (s)",
    choices: |_| words(&["on", "off"]),
    value: |c| word(c.gossip),
    apply: |c, v| {
        c.gossip = on_off(v, "gossip")?;
        Ok(if c.gossip {
            "gossip is on: each replica pushes its state to every other each period".into()
        } else {
            "gossip is off: replicas keep their updates to themselves until a sync (s)".into()
        })
    },
};

pub const GOSSIP_EVERY: Setting<CrdtConfig> = Setting {
    name: "gossip-every",
    key: Some('I'),
    help: "the gossip period in ms: how long replicas may disagree after the network heals",
    choices: |_| words(&["250", "1000", "4000"]),
    value: |c| c.gossip_every.to_string(),
    apply: |c, v| {
        let ms: Millis = v
            .trim_end_matches("ms")
            .parse()
            .map_err(|_| format!("gossip-every is a number of ms such as 1000, not '{v}'"))?;
        if !(50..=60_000).contains(&ms) {
            return Err(format!("gossip-every is between 50 and 60000 ms, not {ms}"));
        }
        c.gossip_every = ms;
        Ok(format!(
            "replicas gossip every {ms} ms (from their next round)"
        ))
    },
};

pub const RESTART: Setting<CrdtConfig> = Setting {
    name: "restart",
    key: Some('D'),
    help: "what a crashed replica keeps: durable (its state, so its counter of dots) or amnesia (nothing: it counts from zero again and reuses dots others have seen)",
    choices: |_| words(&["durable", "amnesia"]),
    value: |c| if c.durable { "durable" } else { "amnesia" }.into(),
    apply: |c, v| {
        c.durable = match v {
            "durable" => true,
            "amnesia" => false,
            _ => return Err(format!("restart is durable or amnesia, not '{v}'")),
        };
        Ok(if c.durable {
            "a restarted replica keeps its state and its dot counter".into()
        } else {
            "a restarted replica comes back empty: it will mint dots it has minted before".into()
        })
    },
};

pub const FLOOR: Setting<CrdtConfig> = Setting {
    name: "floor",
    key: Some('F'),
    help: "the application's rule for decrements: refuse one that would take the value this replica sees below 0 (floor=0), or allow any (floor=none)",
    choices: |_| words(&["0", "none"]),
    value: |c| c.floor.map_or("none".into(), |f| f.to_string()),
    apply: |c, v| {
        c.floor =
            match v {
                "none" | "off" => None,
                _ => Some(v.parse().map_err(|_| {
                    format!("floor is a whole number such as 0, or none, not '{v}'")
                })?),
            };
        Ok(match c.floor {
            Some(f) => {
                format!("a replica refuses a decrement that would take the value it sees below {f}")
            }
            None => "decrements are never refused".into(),
        })
    },
};

pub const VARIANT: Setting<CrdtConfig> = Setting {
    name: "variant",
    key: Some('V'),
    help: "which OR-Set the CRDT pane shows: tombstones (every tag ever removed is kept) or optimised (no tombstones: one version vector says what was seen). Both run on the same operations and must agree",
    choices: |_| words(&["tombstones", "optimised"]),
    value: |c| {
        if c.tombstones {
            "tombstones"
        } else {
            "optimised"
        }
        .into()
    },
    apply: |c, v| {
        c.tombstones = match v {
            "tombstones" => true,
            "optimised" | "optimized" => false,
            _ => return Err(format!("variant is tombstones or optimised, not '{v}'")),
        };
        Ok(if c.tombstones {
            "the CRDT pane shows the OR-Set with tags and tombstones".into()
        } else {
            "the CRDT pane shows the optimised OR-Set: live dots and one clock, no tombstones"
                .into()
        })
    },
};

pub const TIES: Setting<CrdtConfig> = Setting {
    name: "ties",
    key: Some('T'),
    help: "two writes with the same timestamp: node-id (the larger node id wins everywhere) or keep-mine (each replica keeps the one it has, so they never agree)",
    choices: |_| words(&["node-id", "keep-mine"]),
    value: |c| if c.ties_by_id { "node-id" } else { "keep-mine" }.into(),
    apply: |c, v| {
        c.ties_by_id = match v {
            "node-id" => true,
            "keep-mine" => false,
            _ => return Err(format!("ties is node-id or keep-mine, not '{v}'")),
        };
        Ok(if c.ties_by_id {
            "equal timestamps: the write from the larger node id wins on every replica".into()
        } else {
            "equal timestamps: each replica keeps the write it already has".into()
        })
    },
};

pub const TEXT_MERGE: Setting<CrdtConfig> = Setting {
    name: "text-merge",
    key: Some('M'),
    help: "which text the replicas show: rga (each character has its own identity and the letter it follows) or naive (a character is known by the index it was typed at). Both run on the same keystrokes",
    choices: |_| words(&["rga", "naive"]),
    value: |c| if c.naive_text { "naive" } else { "rga" }.into(),
    apply: |c, v| {
        c.naive_text = match v {
            "rga" => false,
            "naive" => true,
            _ => return Err(format!("text-merge is rga or naive, not '{v}'")),
        };
        Ok(if c.naive_text {
            "the replicas show the naive text: characters ordered by the index they were typed at"
                .into()
        } else {
            "the replicas show the RGA text: each character placed after the one it was typed after"
                .into()
        })
    },
};

pub const DELIVERY: Setting<CrdtConfig> = Setting {
    name: "delivery",
    key: Some('O'),
    help: "state (replicas gossip whole states and merge them: loss, duplication and reordering do no harm) or op (each update is sent once as an operation and its effect applied on arrival: a lost operation is never counted, a duplicated one is counted twice)",
    choices: |_| words(&["state", "op"]),
    value: |c| if c.op_based { "op" } else { "state" }.into(),
    apply: |c, v| {
        c.op_based = match v {
            "state" => false,
            "op" | "ops" => true,
            _ => return Err(format!("delivery is state or op, not '{v}'")),
        };
        Ok(if c.op_based {
            "op-based: each update goes out once as an operation; gossip of states stops (s still syncs states)".into()
        } else {
            "state-based: replicas gossip their whole states and merge them".into()
        })
    },
};

pub const CLOCKS: Setting<CrdtConfig> = Setting {
    name: "clocks",
    key: Some('V'),
    help: "how a replica decides that a version supersedes another: dvv (dotted version vectors: only if the newer one's writer had read it) or vv (per-server version vectors: if its vector dominates, so two writes through one coordinator look ordered)",
    choices: |_| words(&["dvv", "vv"]),
    value: |c| if c.server_vv { "vv" } else { "dvv" }.into(),
    apply: |c, v| {
        c.server_vv = match v {
            "vv" => true,
            "dvv" => false,
            _ => return Err(format!("clocks is dvv or vv, not '{v}'")),
        };
        Ok(if c.server_vv {
            "per-server version vectors: a version goes when another's vector dominates it".into()
        } else {
            "dotted version vectors: a version goes only when a writer that had read it replaces it"
                .into()
        })
    },
};

pub const CLOCK: Setting<CrdtConfig> = Setting {
    name: "clock",
    key: Some('L'),
    help: "what stamps a write: wall (the writer's own clock, skew and all) or hlc (a hybrid logical clock: at least the newest stamp the replica has seen, so a write made after seeing another is stamped later)",
    choices: |_| words(&["wall", "hlc"]),
    value: |c| if c.hlc { "hlc" } else { "wall" }.into(),
    apply: |c, v| {
        c.hlc = match v {
            "wall" => false,
            "hlc" => true,
            _ => return Err(format!("clock is wall or hlc, not '{v}'")),
        };
        Ok(if c.hlc {
            "writes are stamped by a hybrid logical clock: never below a stamp the writer has seen"
                .into()
        } else {
            "writes are stamped by the writer's wall clock".into()
        })
    },
};
