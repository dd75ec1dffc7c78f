//! The read/write register vocabulary that blocks 1–3 share: `write nN
//! key=VALUE` and `read nN key`, issued live with `w` and `r`.

use crate::sim::{Arg, ArgSpec, Fault, NodeId, OpKind, OpSpec, Scope, Value};

pub const OPS: &[OpSpec] = &[
    OpSpec {
        verb: "write",
        args: &[ArgSpec::KeyInt],
        usage: "write nN key=VALUE",
        help: "client write through the selected node ({key} = 1, 2, 3...)",
        key: Some('w'),
        label: "write {key}",
        scope: Scope::Client,
    },
    OpSpec {
        verb: "read",
        args: &[ArgSpec::Key],
        usage: "read nN key",
        help: "client read of {key} through the selected node",
        key: Some('r'),
        label: "read",
        scope: Scope::Client,
    },
];

/// A register's client operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegisterOp {
    Read { key: String },
    Write { key: String, value: Value },
}

impl RegisterOp {
    pub fn key(&self) -> &str {
        match self {
            RegisterOp::Read { key } | RegisterOp::Write { key, .. } => key,
        }
    }
    /// What the history records: exactly a read or a write.
    pub fn model(&self) -> OpKind {
        match self {
            RegisterOp::Read { key } => OpKind::Read { key: key.clone() },
            RegisterOp::Write { key, value } => OpKind::Write {
                key: key.clone(),
                value: *value,
            },
        }
    }
}

/// The register operation for a declared verb and its parsed arguments.
pub fn operation(verb: &str, args: &[Arg]) -> Result<RegisterOp, String> {
    let key = || {
        args.first()
            .and_then(Arg::text)
            .map(str::to_string)
            .ok_or("a key comes first")
    };
    match verb {
        "write" => Ok(RegisterOp::Write {
            key: key()?,
            value: args
                .get(1)
                .and_then(Arg::int)
                .ok_or("a write needs a value")?,
        }),
        "read" => Ok(RegisterOp::Read { key: key()? }),
        _ => Err(format!("a register has no operation '{verb}'")),
    }
}

/// `write nN key=VALUE` as an outside action.
pub fn write(node: NodeId, key: &str, value: Value) -> Fault {
    Fault::Client {
        node,
        call: crate::sim::Call::new("write", &[&format!("{key}={value}")]),
    }
}

/// `read nN key` as an outside action.
pub fn read(node: NodeId, key: &str) -> Fault {
    Fault::Client {
        node,
        call: crate::sim::Call::new("read", &[key]),
    }
}

/// The register vocabulary inside a `Node` impl: `type Op = RegisterOp` and
/// the three functions that declare, build and model it.
macro_rules! register_operations {
    () => {
        type Op = $crate::protocols::register::RegisterOp;

        fn operations() -> &'static [$crate::sim::OpSpec] {
            $crate::protocols::register::OPS
        }
        fn operation(
            verb: &str,
            args: &[$crate::sim::Arg],
        ) -> Result<$crate::protocols::register::RegisterOp, String> {
            $crate::protocols::register::operation(verb, args)
        }
        fn model(op: &$crate::protocols::register::RegisterOp) -> $crate::sim::OpKind {
            op.model()
        }
    };
}
pub(crate) use register_operations;
