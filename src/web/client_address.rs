//! The client's address, for the login limits and the audit log. Behind a
//! reverse proxy every connection comes from the proxy, so the proxies named
//! in `SCRUTIN_TRUSTED_PROXIES` are believed about `X-Forwarded-For`; nobody
//! else is, since anyone can send that header.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed. Empty: nobody's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Comma-separated IP addresses or CIDR ranges, e.g.
    /// `127.0.0.1, 10.0.0.0/8, ::1`.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let net = IpNet::from_str(item)
                .or_else(|_| IpAddr::from_str(item).map(IpNet::from))
                .map_err(|_| {
                    format!(
                        "SCRUTIN_TRUSTED_PROXIES: `{item}` is neither an IP address nor a CIDR range: write e.g. 127.0.0.1,10.0.0.0/8"
                    )
                })?;
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`: when the peer is trusted, the rightmost
    /// address of `X-Forwarded-For` (all its values in order) that is not
    /// itself a trusted proxy, since the entries to its left were written
    /// by the client and may be forged. An entry that is not an address
    /// stops the walk at the last trusted hop.
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

/// `203.0.113.7`, `2001:db8::1`, or with a port: `203.0.113.7:4711`,
/// `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    IpAddr::from_str(hop)
        .or_else(|_| SocketAddr::from_str(hop).map(|s| s.ip()))
        .ok()
        .map(canonical)
}

/// An IPv4 client seen through an IPv6 socket (`::ffff:a.b.c.d`) is that
/// IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn parses_addresses_and_ranges() {
        let t = TrustedProxies::parse(" 127.0.0.1 , 10.0.0.0/8,::1").expect("valid");
        assert!(t.trusts(ip("127.0.0.1")));
        assert!(t.trusts(ip("10.20.30.40")));
        assert!(t.trusts(ip("::1")));
        assert!(t.trusts(ip("::ffff:10.1.2.3")));
        assert!(!t.trusts(ip("127.0.0.2")));
        assert!(TrustedProxies::parse("").expect("empty").is_empty());
        let e = TrustedProxies::parse("127.0.0.1,proxy.local").unwrap_err();
        assert!(
            e.contains("SCRUTIN_TRUSTED_PROXIES") && e.contains("proxy.local"),
            "{e}"
        );
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let nobody = TrustedProxies::default();
        assert_eq!(
            nobody.client(ip("127.0.0.1"), ["203.0.113.9"].into_iter()),
            ip("127.0.0.1")
        );
        let t = TrustedProxies::parse("127.0.0.1").expect("valid");
        assert_eq!(
            t.client(ip("198.51.100.1"), ["203.0.113.9"].into_iter()),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn a_trusted_peer_names_the_rightmost_untrusted_hop() {
        let t = TrustedProxies::parse("127.0.0.1,10.0.0.0/8").expect("valid");
        let peer = ip("127.0.0.1");
        assert_eq!(
            t.client(peer, ["203.0.113.9"].into_iter()),
            ip("203.0.113.9")
        );
        // The client forged the first entry; the proxies appended the rest.
        assert_eq!(
            t.client(peer, ["1.2.3.4, 203.0.113.9, 10.0.0.5"].into_iter()),
            ip("203.0.113.9")
        );
        // Several headers count as one list, in order.
        assert_eq!(
            t.client(peer, ["1.2.3.4", "203.0.113.9:5555, 10.0.0.5"].into_iter()),
            ip("203.0.113.9")
        );
        assert_eq!(
            t.client(peer, ["[2001:db8::7]:443"].into_iter()),
            ip("2001:db8::7")
        );
        // No header, or only proxies: the leftmost proxy.
        assert_eq!(t.client(peer, std::iter::empty()), peer);
        assert_eq!(t.client(peer, ["10.0.0.5"].into_iter()), ip("10.0.0.5"));
        // Garbage stops at the last trusted hop.
        assert_eq!(t.client(peer, ["203.0.113.9, junk"].into_iter()), peer);
    }
}
