//! Client addresses as the throttle and the audit log's throttled rows group them.

use std::net::{IpAddr, Ipv6Addr};

/// What a client address is throttled as: an IPv4 address alone; an IPv6 address with the
/// rest of its /64, since one subscriber (a home, a server) is handed a whole /64 or more
/// and could otherwise rotate through it for a fresh allowance at every attempt. Anything
/// that is not an address is taken as it is. The audit log keeps the whole address.
pub fn address_group(client: &str) -> String {
    match client.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let network = Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64));
                format!("{network}/64")
            }
        },
        Err(_) => client.to_string(),
    }
}
