//! Which address a request comes from: the TCP peer's — unless the peer is
//! one of the reverse proxies the operator trusts (`--trusted-proxies`), in
//! which case it is the rightmost address in `X-Forwarded-For` that is not
//! itself a trusted proxy (what the nearest untrusted hop was seen as;
//! everything left of it could be made up by the client).

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;

/// An address, or a network in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, ip.to_canonical()) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(base) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(base) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Network, String> {
        let bad =
            || format!("\"{text}\" bukan alamat IP atau jaringan CIDR (contoh: 10.0.0.5 atau 10.0.0.0/8)");
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let base = IpAddr::from_str(addr).map_err(|_| bad())?.to_canonical();
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Network { base, prefix })
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma-separated list of addresses and CIDR networks.
    fn from_str(text: &str) -> Result<TrustedProxies, String> {
        let networks = text.split(',').map(str::trim).filter(|p| !p.is_empty()).map(Network::from_str);
        Ok(TrustedProxies(networks.collect::<Result<_, _>>()?))
    }
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address for a request from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            // A hop our own proxy wrote that is not an address: believe
            // nothing further left, and count the request as the proxy's.
            let Ok(ip) = IpAddr::from_str(hop) else { return client };
            client = ip.to_canonical();
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_forwarded_address_counts_only_from_a_trusted_peer() {
        let proxies: TrustedProxies = "10.0.0.0/8, 192.168.1.5,::1".parse().unwrap();
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(proxies.client(ip("198.51.100.7"), &headers), ip("198.51.100.7"), "an untrusted peer");
        assert_eq!(proxies.client(ip("10.1.2.3"), &headers), ip("203.0.113.9"));
        assert_eq!(proxies.client(ip("::1"), &headers), ip("203.0.113.9"));
        assert_eq!(proxies.client(ip("::ffff:192.168.1.5"), &headers), ip("203.0.113.9"), "IPv4 as IPv6");
        assert_eq!(
            TrustedProxies::default().client(ip("10.1.2.3"), &headers),
            ip("10.1.2.3"),
            "none trusted"
        );
        assert_eq!(proxies.client(ip("10.1.2.3"), &HeaderMap::new()), ip("10.1.2.3"), "nothing forwarded");
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        // The client wrote the first two itself; the proxies appended the rest.
        let headers = forwarded(&["1.2.3.4, 5.6.7.8", "203.0.113.9, 10.0.0.2"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &headers), ip("203.0.113.9"));
        let only_proxies = forwarded(&["10.0.0.3, 10.0.0.2"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &only_proxies), ip("10.0.0.3"));
        let garbage = forwarded(&["203.0.113.9, bukan-alamat"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &garbage), ip("10.0.0.1"));
    }

    #[test]
    fn lists_are_addresses_and_networks_or_a_precise_refusal() {
        assert_eq!("".parse::<TrustedProxies>().unwrap(), TrustedProxies::default());
        let err = "10.0.0.1, 10.0.0.0/33".parse::<TrustedProxies>().unwrap_err();
        assert!(err.contains("\"10.0.0.0/33\" bukan alamat IP atau jaringan CIDR"), "{err}");
        assert!("proxy.local".parse::<TrustedProxies>().is_err());
        let all: TrustedProxies = "0.0.0.0/0".parse().unwrap();
        assert!(all.trusts(ip("8.8.8.8")) && !all.trusts(ip("2001:db8::1")));
        let v6: TrustedProxies = "2001:db8::/32".parse().unwrap();
        assert!(v6.trusts(ip("2001:db8:1::1")) && !v6.trusts(ip("2001:db9::1")));
    }
}
