//! THREAD (RFC 5256): threading algorithms and the thread trees of a
//! THREAD response.

use std::fmt;

/// How THREAD groups messages (RFC 5256 section 3; REFS:
/// `draft-ietf-morg-inthread`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThreadAlgorithm {
    /// `ORDEREDSUBJECT`: by base subject, then date; one level deep.
    OrderedSubject,
    /// `REFERENCES`: by Message-ID, In-Reply-To and References, with
    /// subjects to join threads whose parents are missing.
    References,
    /// `REFS`: by References (and In-Reply-To) only, threads ordered by
    /// their latest message.
    Refs,
    /// Another algorithm the server advertises as `THREAD=<name>`; an
    /// atom, checked when sent.
    Other(String),
}

impl ThreadAlgorithm {
    /// The wire name.
    pub fn name(&self) -> &str {
        match self {
            ThreadAlgorithm::OrderedSubject => "ORDEREDSUBJECT",
            ThreadAlgorithm::References => "REFERENCES",
            ThreadAlgorithm::Refs => "REFS",
            ThreadAlgorithm::Other(name) => name,
        }
    }
}

impl fmt::Display for ThreadAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One thread of a THREAD response, as the grammar nests it: a chain of
/// messages, each the parent of the next, whose last message (or, when
/// the chain is empty, a missing common parent) has the `children`
/// threads as replies.
///
/// ```text
/// thread-list    = "(" (thread-members / thread-nested) ")"
/// thread-members = nz-number *(SP nz-number) [SP thread-nested]
/// thread-nested  = 2*thread-list
/// ```
///
/// `(3 6 (4 23)(44 7 96))` is `Thread { messages: [3, 6], children:
/// [[4, 23], [44, 7, 96]] }`: 6 answers 3; 4 and 44 answer 6. The THREAD
/// command's builder is [`ThreadCommand`](crate::ThreadCommand).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Thread {
    /// The chain of messages (sequence numbers or UIDs), parent first;
    /// empty when the thread's root is not in the mailbox.
    pub messages: Vec<u32>,
    /// The threads below the last message of the chain.
    pub children: Vec<Thread>,
}

impl Thread {
    /// A thread without children.
    pub fn chain(messages: impl Into<Vec<u32>>) -> Self {
        Thread {
            messages: messages.into(),
            children: Vec::new(),
        }
    }

    /// A chain with these replies below its last message.
    pub fn with_children(messages: impl Into<Vec<u32>>, children: Vec<Thread>) -> Self {
        Thread {
            messages: messages.into(),
            children,
        }
    }

    /// Every message of the thread, depth first in the server's order
    /// (iterative, whatever the depth).
    pub fn all_messages(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(thread) = stack.pop() {
            out.extend_from_slice(&thread.messages);
            stack.extend(thread.children.iter().rev());
        }
        out
    }
}
