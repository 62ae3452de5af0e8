//! QUOTA (RFC 2087, RFC 9208): the resources of a QUOTA response and the
//! roots of a QUOTAROOT response.

use bytes::Bytes;

use crate::types::QuotaResource;

use crate::codec::parse::{ParseError, Parser};

/// `SP "(" [quota-resource *(SP quota-resource)] ")"`, each resource
/// `resource-name SP resource-usage SP resource-limit` (numbers up to
/// 2^63 - 1, RFC 9208). Takes its own leading SP.
///
/// Leniency: RFC 9208 asks for at least one resource; an empty list is
/// read as none, and so is no list at all (quirk
/// `quota_without_resources`, Courier: `* QUOTA "ROOT"`).
pub fn quota_resources(p: &mut Parser<'_>) -> Result<Vec<QuotaResource>, ParseError> {
    if !p.opt_sp() {
        return Ok(Vec::new());
    }
    p.list(|p| {
        let name = p.atom()?.to_owned();
        p.sp()?;
        let usage = p.number64()?;
        p.sp()?;
        let limit = p.number64()?;
        Ok(QuotaResource { name, usage, limit })
    })
}

/// `*(SP astring)`: the quota roots of a QUOTAROOT response, possibly
/// none. Takes its own leading SPs.
pub fn astrings(p: &mut Parser<'_>) -> Result<Vec<Bytes>, ParseError> {
    let mut roots = Vec::new();
    while p.opt_sp() {
        roots.push(p.astring()?);
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::codec::parse::parse_whole as parse;

    #[test]
    fn resources_of_rfc_9208_example() {
        let resources = parse(b" (STORAGE 10 512 MESSAGE 3 100)\r\n", quota_resources).unwrap();
        assert_eq!(
            resources,
            [
                QuotaResource {
                    name: "STORAGE".into(),
                    usage: 10,
                    limit: 512
                },
                QuotaResource {
                    name: "MESSAGE".into(),
                    usage: 3,
                    limit: 100
                }
            ]
        );
        let half = parse(b" (STORAGE 10)\r\n", quota_resources).unwrap_err();
        assert_eq!(half.offset(), 12, "{half}");
        let big = parse(b" (STORAGE 9223372036854775807 1)\r\n", quota_resources).unwrap();
        assert_eq!(big[0].usage, i64::MAX as u64);
        assert!(parse(b" (STORAGE 9223372036854775808 1)\r\n", quota_resources).is_err());
    }

    #[test]
    fn resources_empty_or_absent_are_none() {
        assert!(parse(b" ()\r\n", quota_resources).unwrap().is_empty());
        assert!(parse(b"\r\n", quota_resources).unwrap().is_empty());
        assert!(
            parse(b"(STORAGE 1 2)\r\n", quota_resources).is_err(),
            "SP first"
        );
    }

    #[test]
    fn roots_possibly_none() {
        assert!(parse(b"\r\n", astrings).unwrap().is_empty());
        let roots = parse(b" \"User quota\" other\r\n", astrings).unwrap();
        assert_eq!(roots, [&b"User quota"[..], b"other"]);
    }
}
