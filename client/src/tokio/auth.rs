//! AUTHENTICATE with an authenticator that may wait (an OAuth token
//! fetched over the network) without holding the connection.

use std::future::Future;

use tokio::sync::mpsc;

use super::driver::Waiter;
use super::Client;
use crate::auth::{AuthError, Authenticator};
use crate::error::Error;
use crate::session::Mechanism;

/// One side of a SASL exchange whose answers may take awaiting. Every
/// [`Authenticator`] is one (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER,
/// SCRAM ...).
pub trait AsyncAuthenticator: Send {
    /// The SASL mechanism name (`XOAUTH2`).
    fn mechanism(&self) -> &str;

    /// Whether someone reading the connection learns the secret (see
    /// [`Authenticator::reveals_secret`]).
    fn reveals_secret(&self) -> bool {
        true
    }

    /// The initial response (RFC 4959), if the client speaks first.
    fn initial_response(&mut self) -> impl Future<Output = Option<Vec<u8>>> + Send;

    /// Answers one challenge (decoded); `Ok(None)` cancels.
    fn respond(
        &mut self,
        challenge: &[u8],
    ) -> impl Future<Output = Result<Option<Vec<u8>>, AuthError>> + Send;

    /// The server accepted: a mutual mechanism checks its proof here.
    fn complete(&mut self) -> Result<(), AuthError> {
        Ok(())
    }
}

impl<A: Authenticator + Send> AsyncAuthenticator for A {
    fn mechanism(&self) -> &str {
        Authenticator::mechanism(self)
    }

    fn reveals_secret(&self) -> bool {
        Authenticator::reveals_secret(self)
    }

    async fn initial_response(&mut self) -> Option<Vec<u8>> {
        Authenticator::initial_response(self)
    }

    async fn respond(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        Authenticator::respond(self, challenge)
    }

    fn complete(&mut self) -> Result<(), AuthError> {
        Authenticator::complete(self)
    }
}

impl Client {
    /// AUTHENTICATE with `authenticator`, answering each challenge as it
    /// comes (awaiting it if it must); the initial response goes on the
    /// command line when the server has SASL-IR. The same credential
    /// policy as the blocking client's applies before anything is sent.
    pub async fn authenticate(
        &self,
        mut authenticator: impl AsyncAuthenticator,
    ) -> Result<(), Error> {
        if self.shared.lock().session.capabilities().is_none() {
            self.capabilities().await?;
        }
        self.after_exclusive().await?;
        let initial = authenticator.initial_response().await;
        let mechanism = authenticator.mechanism().to_owned();
        let command = crate::Authenticate::new(mechanism.clone());
        let (challenges_sink, mut challenges) = mpsc::unbounded_channel();
        let (done_sink, mut done) = super::reply::channel();
        let tag = self.submit_with(
            |session| {
                session.authenticate_by_driver(
                    &command,
                    Mechanism {
                        name: &mechanism,
                        reveals_secret: authenticator.reveals_secret(),
                    },
                    initial,
                )
            },
            Waiter::Auth {
                challenges: challenges_sink,
                done: done_sink,
            },
            true,
            str::to_owned,
        )?;
        let done = loop {
            tokio::select! {
                biased;
                completed = self.conn.until(&mut done) => {
                    break completed.ok_or_else(|| self.shared.lock().closed())?
                }
                Some(challenge) = challenges.recv() => {
                    let answer = authenticator.respond(&challenge).await;
                    self.shared.lock().session.answer_challenge(&tag, answer);
                    self.shared.wake.notify_one();
                }
            }
        };
        done.into_result::<crate::Authenticate>()?;
        authenticator
            .complete()
            .map_err(|error| Error::protocol(format!("server accepted AUTHENTICATE but {error}")))
    }
}
