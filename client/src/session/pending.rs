//! A command sent and not yet completed, and how its data reaches the
//! caller.

use std::sync::Arc;

use super::routing::Route;
use crate::auth::{AuthError, Authenticator};
use crate::command::{Behaviour, Command, State};
use crate::{Code, Data};

/// How a command's untagged data reaches the caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// Collected into its completion ([`Done::completed`](super::Done)).
    #[default]
    Collect,
    /// Handed out one at a time as it arrives
    /// ([`Event::Data`](super::Event::Data)); the completion holds none.
    Stream,
    /// Dropped as it arrives: a stream its reader gave up
    /// ([`Session::abandon`](super::Session::abandon)).
    Discard,
}

/// How a command is sent: [`Session::send_with`](super::Session::send_with).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendOptions {
    /// How its untagged data reaches the caller.
    pub delivery: Delivery,
    /// Literals of its FETCH responses larger than this many bytes are
    /// handed out in chunks as they arrive
    /// ([`Event::BodyStart`](super::Event::BodyStart), `BodyChunk`,
    /// `BodyEnd`) instead of being held; they read as empty in the typed
    /// message. `None`: every literal is held.
    pub bodies_above: Option<u64>,
}

/// A command sent (or held back) and not yet completed.
pub(super) struct Pending {
    pub(super) tag: Arc<str>,
    pub(super) name: &'static str,
    pub(super) behaviour: Behaviour,
    pub(super) on_ok: Option<State>,
    pub(super) on_no: Option<State>,
    pub(super) wants: fn(&Data) -> bool,
    pub(super) route: Route,
    pub(super) options: SendOptions,
    /// Not written yet: waiting for the commands it must follow.
    pub(super) held: bool,
    pub(super) data: Vec<Data>,
    pub(super) codes: Vec<Code>,
    /// AUTHENTICATE only: the SASL side of the exchange.
    pub(super) authenticator: Option<Box<dyn Authenticator + Send>>,
    /// AUTHENTICATE only: the initial response not sent yet (no SASL-IR).
    pub(super) initial_response: Option<Vec<u8>>,
    /// AUTHENTICATE only: the driver answers the challenges.
    pub(super) driver_answers: bool,
    /// IDLE only: the server's `+` came.
    pub(super) idling: bool,
    /// The session's count of capability updates when this was sent.
    pub(super) capabilities_seen: u64,
    /// The selected mailbox turned read-only while this ran.
    pub(super) became_read_only: bool,
    /// AUTHENTICATE only: why the client cancelled the exchange.
    pub(super) auth_error: Option<AuthError>,
}

impl Pending {
    /// A pending `command` tagged `tag`.
    pub(super) fn new<C: Command>(
        command: &C,
        tag: Arc<str>,
        options: SendOptions,
        capabilities_seen: u64,
    ) -> Self {
        let mut route = Route::of(command);
        route.streams_bodies = options.bodies_above.is_some();
        Pending {
            tag,
            name: C::NAME,
            behaviour: C::BEHAVIOUR,
            on_ok: C::ON_OK,
            on_no: C::ON_NO,
            wants: C::wants,
            route,
            options,
            held: false,
            data: Vec::new(),
            codes: Vec::new(),
            authenticator: None,
            initial_response: None,
            driver_answers: false,
            idling: false,
            capabilities_seen,
            became_read_only: false,
            auth_error: None,
        }
    }

    /// Whether it may receive untagged data now: written, and wanting it.
    pub(super) fn takes(&self, data: &Data) -> bool {
        !self.held && (self.wants)(data)
    }
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("tag", &self.tag)
            .field("name", &self.name)
            .field("behaviour", &self.behaviour)
            .field("held", &self.held)
            .field("delivery", &self.options.delivery)
            .field("data", &self.data.len())
            .finish_non_exhaustive()
    }
}
