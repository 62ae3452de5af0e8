//! A capability a server advertises (RFC 3501 section 7.2.1).

use std::fmt;

use super::acl::Rights;

/// One capability name from a `CAPABILITY` response or response code, such
/// as `IMAP4rev1`, `STARTTLS`, `AUTH=PLAIN` or `LITERAL+`.
///
/// Capability names are case-insensitive; [`is`](Self::is) compares them
/// that way. The name is kept as the server spelled it. The CAPABILITY
/// command's builder is [`CapabilityCommand`](crate::CapabilityCommand).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Capability(String);

impl Capability {
    /// A capability named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The name as the server spelled it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the capability `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.0.eq_ignore_ascii_case(name)
    }

    /// For `AUTH=<mechanism>`, the SASL mechanism name (`PLAIN`).
    pub fn auth_mechanism(&self) -> Option<&str> {
        let prefix = self.0.get(..5)?;
        prefix
            .eq_ignore_ascii_case("AUTH=")
            .then(|| self.0.get(5..))
            .flatten()
    }

    /// For `APPENDLIMIT=<number>` (RFC 7889), the largest message in
    /// octets the server accepts in any mailbox. `None` for any other
    /// capability, a bare `APPENDLIMIT` (the limit is per mailbox: ask
    /// STATUS for `APPENDLIMIT`), or a value that is not a number.
    ///
    /// ```
    /// use typed_imap::types::Capability;
    /// assert_eq!(Capability::new("APPENDLIMIT=10240").append_limit(), Some(10240));
    /// assert_eq!(Capability::new("APPENDLIMIT").append_limit(), None);
    /// ```
    pub fn append_limit(&self) -> Option<u64> {
        let (name, value) = self.0.split_once('=')?;
        if !name.eq_ignore_ascii_case("APPENDLIMIT")
            || value.is_empty()
            || !value.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        value.parse().ok()
    }

    /// For `QUOTA=RES-<name>` (RFC 9208 section 3.1), the resource the
    /// server counts against quotas (`STORAGE`, `MESSAGE`, `MAILBOX`,
    /// `ANNOTATION-STORAGE`). `None` for any other capability.
    ///
    /// ```
    /// use typed_imap::types::Capability;
    /// assert_eq!(Capability::new("QUOTA=RES-STORAGE").quota_resource(), Some("STORAGE"));
    /// assert_eq!(Capability::new("QUOTA").quota_resource(), None);
    /// ```
    pub fn quota_resource(&self) -> Option<&str> {
        let prefix = self.0.get(..10)?;
        let name = self.0.get(10..)?;
        (prefix.eq_ignore_ascii_case("QUOTA=RES-") && !name.is_empty()).then_some(name)
    }

    /// For `RIGHTS=<letters>` (RFC 4314 section 2.1), the rights the server
    /// supports beyond RFC 2086's: some of `t`, `e`, `k`, `x` and its own
    /// (Cyrus's `n`). `None` for any other capability, or a value that is
    /// not rights.
    ///
    /// ```
    /// use typed_imap::types::{Capability, Right};
    /// let rights = Capability::new("RIGHTS=texk").rights().unwrap();
    /// assert!(rights.contains(Right::DeleteMessages) && rights.contains(Right::CreateMailbox));
    /// assert_eq!(Capability::new("ACL").rights(), None);
    /// ```
    pub fn rights(&self) -> Option<Rights> {
        let (name, value) = self.0.split_once('=')?;
        if !name.eq_ignore_ascii_case("RIGHTS") {
            return None;
        }
        value.parse().ok()
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_case_insensitively() {
        assert!(Capability::new("imap4REV1").is("IMAP4rev1"));
        assert!(!Capability::new("IMAP4").is("IMAP4rev1"));
    }

    #[test]
    fn auth_names_its_mechanism() {
        assert_eq!(
            Capability::new("auth=PLAIN").auth_mechanism(),
            Some("PLAIN")
        );
        assert_eq!(Capability::new("STARTTLS").auth_mechanism(), None);
        assert_eq!(Capability::new("AUTH").auth_mechanism(), None);
    }

    #[test]
    fn quota_resource_reads_the_name_of_quota_res_only() {
        assert_eq!(
            Capability::new("quota=res-MESSAGE").quota_resource(),
            Some("MESSAGE")
        );
        for other in [
            "QUOTA",
            "QUOTA=RES-",
            "QUOTASET",
            "QUOTA=STORAGE",
            "X-QUOTA=STORAGE",
        ] {
            assert_eq!(Capability::new(other).quota_resource(), None, "{other}");
        }
    }

    #[test]
    fn rights_reads_the_letters_of_rights_only() {
        assert_eq!(
            Capability::new("RIGHTS=kxten")
                .rights()
                .map(|r| r.to_string()),
            Some("kxten".to_owned())
        );
        assert_eq!(Capability::new("rights=").rights(), Some(Rights::default()));
        for other in [
            "RIGHTS",
            "RIGHTS=t e",
            "RIGHTS=t-e",
            "X-RIGHTS=te",
            "ACL2=UNION",
        ] {
            assert_eq!(Capability::new(other).rights(), None, "{other}");
        }
    }

    #[test]
    fn append_limit_reads_the_number_of_appendlimit_only() {
        let cyrus = Capability::new("APPENDLIMIT=4294967295");
        assert_eq!(cyrus.append_limit(), Some(4294967295));
        assert_eq!(Capability::new("appendlimit=0").append_limit(), Some(0));
        for other in [
            "APPENDLIMIT",
            "APPENDLIMIT=",
            "APPENDLIMIT=+1",
            "APPENDLIMIT=12k",
            "APPENDLIMIT=99999999999999999999999",
            "X-APPENDLIMIT=1",
            "AUTH=PLAIN",
        ] {
            assert_eq!(Capability::new(other).append_limit(), None, "{other}");
        }
    }
}
