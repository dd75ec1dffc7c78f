//! Compare-and-set on the leader-follower store: an operation the protocol
//! declares itself, with its own script verb, decided by the leader.

use std::process::Command;

use statedist::check::Status;
use statedist::scenario::{self, Params};
use statedist::sim::OpOutcome;
use statedist::sim::script::Script;

#[test]
fn the_leader_decides_compare_and_set() {
    let params = Params {
        script: Script::parse(
            "at 1s write n1 x=1; at 2s cas n1 x 1 2; at 3s cas n1 x 1 3; at 3.5s cas n2 x 2 9; at 4s read n3 x",
        )
        .unwrap(),
        settings: [("mode".to_string(), "sync".to_string())].into(),
        ..Params::default()
    };
    let mut r = scenario::find("leader-follower")
        .unwrap()
        .start(&params)
        .unwrap();
    r.run_until(5000);
    let ops = r.history().ops();
    assert!(ops[1].is_ok(), "{:?}", ops[1]);
    assert!(
        ops[1].note.contains("acked by leader n1"),
        "{}",
        ops[1].note
    );
    // The second cas expected 1, but x is 2 now: nothing changes.
    assert_eq!(ops[2].outcome, OpOutcome::Ok { value: Some(2) });
    assert!(ops[2].note.contains("compare failed"), "{}", ops[2].note);
    // Through a follower it is refused, like a write.
    assert!(matches!(&ops[3].outcome, OpOutcome::Failed { reason } if reason.contains("follower")));
    // Every replica ends with the cas's value, and a read sees it.
    assert_eq!(ops[4].read_value(), Some(Some(2)));
    assert!(ops[1].describe().starts_with("cas x 1 2 via n1"));
    // The read/write register checker says it cannot judge cas.
    let lin = r
        .verdicts()
        .into_iter()
        .find(|v| v.check == "linearizability")
        .unwrap();
    assert_eq!(lin.status, Status::Unknown, "{lin:?}");
    // Listed among the scenario's operations, with no live key.
    let cas = r.operations().iter().find(|o| o.verb == "cas").unwrap();
    assert_eq!(cas.key, None);
}

#[test]
fn cas_is_checked_up_front_and_other_scenarios_refuse_it() {
    let sim = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_statedist"))
            .args(args)
            .output()
            .unwrap()
    };
    let o = sim(&["sim", "leader-follower", "--do", "at 1s cas n1 x one 2"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "script:1:16: 'one' is not a whole number: values are integers, e.g. x=5\n"
    );
    let o = sim(&["sim", "cap-cp", "--do", "at 1s cas n1 x 1 2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("unknown command 'cas'"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A value a cas wrote back is not a stale read of the first write of it.
#[test]
fn a_value_restored_by_cas_is_not_called_stale() {
    let params = Params {
        script: Script::parse(
            "at 1s write n1 x=1; at 2s write n1 x=2; at 3s cas n1 x 2 1; at 4s read n1 x",
        )
        .unwrap(),
        settings: [("mode".to_string(), "sync".to_string())].into(),
        ..Params::default()
    };
    let mut r = scenario::find("leader-follower")
        .unwrap()
        .start(&params)
        .unwrap();
    r.run_until(5000);
    assert_eq!(r.history().ops()[3].read_value(), Some(Some(1)));
    for check in ["stale reads", "acknowledged writes"] {
        let v = r.verdicts().into_iter().find(|v| v.check == check).unwrap();
        assert_ne!(v.status, Status::Fail, "{v:?}");
    }
}
