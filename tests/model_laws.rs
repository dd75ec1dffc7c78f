//! The laws of `src/model/`: every merge is commutative, associative and
//! idempotent (so replicas converge whatever order they gossip in), merge
//! is the least upper bound, version-vector comparison is a partial order,
//! and the clocks keep their promises.

use proptest::prelude::*;
use statedist::model::{
    Causality, GCounter, Hlc, Lamport, LwwRegister, OrSet, PnCounter, VersionVector,
};

fn vv() -> impl Strategy<Value = VersionVector<u8>> {
    prop::collection::vec((0u8..4, 0u64..5), 0..6).prop_map(VersionVector::from_counts)
}

fn gcounter() -> impl Strategy<Value = GCounter<u8>> {
    prop::collection::vec((0u8..4, 0u64..9), 0..6).prop_map(GCounter::from_counts)
}

fn pncounter() -> impl Strategy<Value = PnCounter<u8>> {
    (gcounter(), gcounter()).prop_map(|(p, n)| PnCounter { p, n })
}

fn lww() -> impl Strategy<Value = LwwRegister<u8, u8>> {
    // The value is a function of (stamp, writer): one write, one value.
    (0u64..5, 0u8..3).prop_map(|(s, w)| LwwRegister::new(s as u8 * 10 + w, s, w))
}

/// An OR-Set built by one replica's operations, then merged with others'.
#[derive(Clone, Debug)]
enum SetOp {
    Add(u8),
    Remove(u8),
}

fn orset_ops() -> impl Strategy<Value = Vec<SetOp>> {
    prop::collection::vec(
        prop_oneof![
            (0u8..4).prop_map(SetOp::Add),
            (0u8..4).prop_map(SetOp::Remove),
        ],
        0..10,
    )
}

/// Replica `r`'s set after its own operations (adds are tagged by `r`).
fn orset(r: u8, ops: &[SetOp]) -> OrSet<u8, u8> {
    let mut s = OrSet::new();
    for op in ops {
        match *op {
            SetOp::Add(e) => {
                s.add(r, e);
            }
            SetOp::Remove(e) => {
                s.remove(&e);
            }
        }
    }
    s
}

macro_rules! merge_laws {
    ($name:ident, $strategy:expr, $t:ty) => {
        proptest! {
            #[test]
            fn $name(a in $strategy, b in $strategy, c in $strategy) {
                let merge = |x: &$t, y: &$t| -> $t { let mut m = x.clone(); m.merge(y); m };
                prop_assert_eq!(merge(&a, &b), merge(&b, &a), "commutative");
                prop_assert_eq!(merge(&merge(&a, &b), &c), merge(&a, &merge(&b, &c)), "associative");
                prop_assert_eq!(merge(&a, &a), a, "idempotent");
            }
        }
    };
}

merge_laws!(version_vector_merge_laws, vv(), VersionVector<u8>);
merge_laws!(gcounter_merge_laws, gcounter(), GCounter<u8>);
merge_laws!(pncounter_merge_laws, pncounter(), PnCounter<u8>);
merge_laws!(lww_merge_laws, lww(), LwwRegister<u8, u8>);

proptest! {
    #[test]
    fn orset_merge_laws(a in orset_ops(), b in orset_ops(), c in orset_ops()) {
        let (a, b, c) = (orset(0, &a), orset(1, &b), orset(2, &c));
        let merge = |x: &OrSet<u8, u8>, y: &OrSet<u8, u8>| { let mut m = x.clone(); m.merge(y); m };
        prop_assert_eq!(merge(&a, &b), merge(&b, &a));
        prop_assert_eq!(merge(&merge(&a, &b), &c), merge(&a, &merge(&b, &c)));
        prop_assert_eq!(merge(&a, &a), a);
    }

    /// Add-wins: an add the remover never saw survives the remove.
    #[test]
    fn orset_concurrent_add_survives_remove(e in 0u8..4, other in orset_ops()) {
        let mut base = orset(0, &other);
        base.add(0, e);
        let mut remover = base.clone();
        let mut adder = base.clone();
        remover.remove(&e);
        adder.add(1, e);
        remover.merge(&adder);
        prop_assert!(remover.contains(&e));
        // Without the concurrent add the remove wins.
        let mut alone = base.clone();
        alone.remove(&e);
        let mut peer = base;
        peer.merge(&alone);
        prop_assert!(!peer.contains(&e));
    }

    #[test]
    fn merge_is_the_least_upper_bound(a in vv(), b in vv(), c in vv()) {
        let m = a.merged(&b);
        prop_assert!(m.dominates(&a) && m.dominates(&b));
        // Anything above both is above their merge.
        if c.dominates(&a) && c.dominates(&b) {
            prop_assert!(c.dominates(&m));
        }
    }

    #[test]
    fn comparison_is_a_partial_order(a in vv(), b in vv(), c in vv()) {
        prop_assert_eq!(a.compare(&a), Causality::Equal);
        let flip = |o| match o {
            Causality::Before => Causality::After,
            Causality::After => Causality::Before,
            x => x,
        };
        prop_assert_eq!(a.compare(&b), flip(b.compare(&a)));
        if a.dominates(&b) && b.dominates(&a) {
            prop_assert_eq!(&a, &b); // antisymmetric
        }
        if a.dominates(&b) && b.dominates(&c) {
            prop_assert!(a.dominates(&c)); // transitive
        }
        // The deciding entries say why.
        let (ahead, behind) = a.deciding(&b);
        let expect = match (ahead.is_empty(), behind.is_empty()) {
            (true, true) => Causality::Equal,
            (false, true) => Causality::After,
            (true, false) => Causality::Before,
            (false, false) => Causality::Concurrent,
        };
        prop_assert_eq!(a.compare(&b), expect);
    }

    #[test]
    fn counters_count(ops in prop::collection::vec((0u8..3, any::<bool>(), 1u64..5), 0..30)) {
        let mut replicas = [PnCounter::new(), PnCounter::new(), PnCounter::new()];
        let mut truth = 0i64;
        for (r, up, by) in ops {
            if up { replicas[r as usize].incr(r, by); truth += by as i64 } else { replicas[r as usize].decr(r, by); truth -= by as i64 }
        }
        let mut all = replicas[0].clone();
        all.merge(&replicas[1]);
        all.merge(&replicas[2]);
        prop_assert_eq!(all.value(), truth);
    }

    /// Lamport: a receive is later than what was received; HLC: never goes
    /// backwards and stays at or past the physical clock.
    #[test]
    fn clocks_keep_their_promises(events in prop::collection::vec((any::<bool>(), 0u64..50, 0u64..50, 0u64..3), 1..30)) {
        let mut l = Lamport::default();
        let mut h = Hlc::default();
        for (recv, physical, remote_wall, remote_logical) in events {
            let before = h;
            if recv {
                let remote = Hlc { wall: remote_wall, logical: remote_logical };
                let t = l.observe(remote_wall);
                prop_assert!(t > remote_wall);
                let now = h.observe(remote, physical);
                prop_assert!(now > remote);
            } else {
                l.tick();
                h.now(physical);
            }
            prop_assert!(h > before);
            prop_assert!(h.wall >= physical);
        }
    }
}

#[test]
fn a_removed_element_the_replica_never_saw_added_stays() {
    let mut a: OrSet<&str, u8> = OrSet::new();
    let mut b: OrSet<&str, u8> = OrSet::new();
    a.add(1, "milk");
    assert!(b.remove(&"milk").is_empty(), "b never saw milk");
    b.merge(&a);
    assert!(b.contains(&"milk"));
    assert_eq!(b.tombstones(), 0);
}

#[test]
fn lww_ties_go_to_the_higher_writer() {
    let a = LwwRegister::new("blue", 5, 1u8);
    let b = LwwRegister::new("red", 5, 2u8);
    assert_eq!(LwwRegister::winner([&a, &b]).unwrap().value, "red");
    let mut m = a.clone();
    m.merge(&b);
    assert_eq!(m.value, "red");
}
