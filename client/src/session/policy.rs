//! When credentials may leave: checked before a login command is
//! written, so that a refused login sends nothing at all.
//!
//! - Never a LOGIN to a server that advertises `LOGINDISABLED` (RFC 3501
//!   section 6.2.3): it would refuse it after the password went out.
//! - Never an AUTHENTICATE with a mechanism the server does not offer as
//!   `AUTH=<mechanism>`: a server may accept what it does not advertise,
//!   in clear.
//! - Never a password (LOGIN, or a mechanism that reveals it: PLAIN,
//!   LOGIN, XOAUTH2, OAUTHBEARER) in clear over a network: only over TLS,
//!   to this machine (a loopback address, a child process: local bridges
//!   listen in plaintext on 127.0.0.1), or when the caller allowed it with
//!   [`SessionOptions::allow_cleartext_credentials`](super::SessionOptions).

use crate::error::Error;
use crate::types::Capability;

/// What the session knows of the channel credentials would travel on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Channel {
    /// The transport is encrypted (implicit TLS, or after STARTTLS).
    pub(super) tls: bool,
    /// The peer is on this machine (a loopback address, a child process).
    pub(super) local: bool,
    /// The caller accepted credentials in clear over a network.
    pub(super) allow_cleartext: bool,
}

impl Channel {
    /// Whether a secret may be sent in clear here.
    fn carries_secrets(self) -> bool {
        self.tls || self.local || self.allow_cleartext
    }
}

/// What the caller can do about a secret refused on a plaintext channel.
const USE_TLS: &str = "use TLS (Client::connect_tls, Client::connect_starttls, or starttls() \
     before logging in), or, if the network is trusted, set \
     SessionOptions::allow_cleartext_credentials";

/// LOGIN: not under LOGINDISABLED, not in clear over a network.
pub(super) fn login(channel: Channel, has: impl Fn(&str) -> bool) -> Result<(), Error> {
    if has("LOGINDISABLED") {
        return Err(refused(
            "LOGIN",
            format!(
                "the server advertises LOGINDISABLED (RFC 3501 section 6.2.3){}",
                if channel.tls {
                    "; use AUTHENTICATE with a mechanism it offers".to_owned()
                } else {
                    "; start TLS first (Client::starttls, or connect with \
                     Client::connect_tls / connect_starttls), or use \
                     AUTHENTICATE with a mechanism it offers"
                        .to_owned()
                }
            ),
        ));
    }
    if !channel.carries_secrets() {
        return Err(refused(
            "LOGIN",
            format!("the password would travel in clear over the network; {USE_TLS}"),
        ));
    }
    Ok(())
}

/// AUTHENTICATE: only a mechanism the server offers; one that reveals
/// the secret only where LOGIN could go.
pub(super) fn authenticate(
    channel: Channel,
    capabilities: Option<&[Capability]>,
    mechanism: &str,
    reveals_secret: bool,
) -> Result<(), Error> {
    let Some(capabilities) = capabilities else {
        return Err(refused(
            "AUTHENTICATE",
            "the server's capabilities are not known, so neither is whether it offers \
             this mechanism; ask CAPABILITY first"
                .to_owned(),
        ));
    };
    let wanted = format!("AUTH={mechanism}");
    if !capabilities.iter().any(|capability| capability.is(&wanted)) {
        let offered: Vec<&str> = capabilities
            .iter()
            .filter_map(Capability::auth_mechanism)
            .collect();
        return Err(refused(
            "AUTHENTICATE",
            format!(
                "the server does not offer {wanted} (it offers: {}); use one it offers",
                if offered.is_empty() {
                    "no AUTH= mechanism".to_owned()
                } else {
                    offered.join(", ")
                }
            ),
        ));
    }
    if reveals_secret && !channel.carries_secrets() {
        return Err(refused(
            "AUTHENTICATE",
            format!(
                "{mechanism} would reveal the secret to anyone reading the connection; {USE_TLS}"
            ),
        ));
    }
    Ok(())
}

fn refused(command: &str, reason: String) -> Error {
    Error::CredentialsRefused {
        command: command.to_owned(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NETWORK: Channel = Channel {
        tls: false,
        local: false,
        allow_cleartext: false,
    };

    fn caps(names: &[&str]) -> Vec<Capability> {
        names.iter().map(|name| Capability::new(*name)).collect()
    }

    #[test]
    fn login_disabled_refuses_login_even_over_tls() {
        let tls = Channel {
            tls: true,
            ..NETWORK
        };
        let error = login(tls, |name| name == "LOGINDISABLED").unwrap_err();
        assert!(error.to_string().contains("LOGINDISABLED"), "{error}");
    }

    #[test]
    fn login_in_clear_over_a_network_is_refused_and_says_what_to_do() {
        let error = login(NETWORK, |_| false).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("connect_tls"), "{text}");
        assert!(text.contains("allow_cleartext_credentials"), "{text}");
    }

    #[test]
    fn login_goes_over_tls_to_this_machine_or_when_allowed() {
        for channel in [
            Channel {
                tls: true,
                ..NETWORK
            },
            Channel {
                local: true,
                ..NETWORK
            },
            Channel {
                allow_cleartext: true,
                ..NETWORK
            },
        ] {
            assert!(login(channel, |_| false).is_ok(), "{channel:?}");
        }
    }

    #[test]
    fn a_mechanism_not_offered_is_refused_naming_those_offered() {
        let local = Channel {
            local: true,
            ..NETWORK
        };
        let offered = caps(&["IMAP4rev1", "AUTH=PLAIN", "AUTH=SCRAM-SHA-256"]);
        let error = authenticate(local, Some(&offered), "XOAUTH2", true).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("AUTH=XOAUTH2"), "{text}");
        assert!(text.contains("PLAIN, SCRAM-SHA-256"), "{text}");
    }

    #[test]
    fn unknown_capabilities_refuse_authenticate() {
        let local = Channel {
            local: true,
            ..NETWORK
        };
        assert!(authenticate(local, None, "PLAIN", true).is_err());
    }

    #[test]
    fn a_revealing_mechanism_needs_tls_over_a_network() {
        let offered = caps(&["AUTH=PLAIN", "AUTH=CRAM-MD5"]);
        assert!(authenticate(NETWORK, Some(&offered), "PLAIN", true).is_err());
        assert!(authenticate(NETWORK, Some(&offered), "CRAM-MD5", false).is_ok());
        let tls = Channel {
            tls: true,
            ..NETWORK
        };
        assert!(authenticate(tls, Some(&offered), "PLAIN", true).is_ok());
    }

    #[test]
    fn mechanism_names_compare_without_case() {
        let offered = caps(&["auth=plain"]);
        let tls = Channel {
            tls: true,
            ..NETWORK
        };
        assert!(authenticate(tls, Some(&offered), "PLAIN", true).is_ok());
    }
}
