//! Genesys Cloud regions and the hosts that serve them.

use url::Url;

/// Every region the official provider knows (its `aws_region` names), with
/// the domain its API and login hosts live under.
pub const REGIONS: &[(&str, &str)] = &[
    ("us-east-1", "mypurecloud.com"),
    ("us-east-2", "use2.us-gov-pure.cloud"),
    ("us-west-2", "usw2.pure.cloud"),
    ("ca-central-1", "cac1.pure.cloud"),
    ("sa-east-1", "sae1.pure.cloud"),
    ("mx-central-1", "mxc1.pure.cloud"),
    ("eu-west-1", "mypurecloud.ie"),
    ("eu-west-2", "euw2.pure.cloud"),
    ("eu-central-1", "mypurecloud.de"),
    ("eu-central-2", "euc2.pure.cloud"),
    ("me-central-1", "mec1.pure.cloud"),
    ("ap-south-1", "aps1.pure.cloud"),
    ("ap-southeast-1", "apse1.pure.cloud"),
    ("ap-southeast-2", "mypurecloud.com.au"),
    ("ap-northeast-1", "mypurecloud.jp"),
    ("ap-northeast-2", "apne2.pure.cloud"),
    ("ap-northeast-3", "apne3.pure.cloud"),
    // The EU sovereign cloud (the official provider's v1.83).
    ("eusc-de-east-1", "edee1.eusc-pure.cloud"),
];

/// The region used when none is configured (as in the official provider).
pub const DEFAULT_REGION: &str = "us-east-1";

/// Where API calls and token exchanges go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `https://api.<domain>` (no trailing path).
    pub api: Url,
    /// `https://login.<domain>`: the token endpoint is `<login>/oauth/token`.
    pub login: Url,
}

impl Endpoints {
    /// The endpoints of a named region, or `None` for an unknown name.
    pub fn for_region(region: &str) -> Option<Endpoints> {
        let domain = REGIONS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(region.trim()))
            .map(|(_, domain)| *domain)?;
        Some(Endpoints {
            api: Url::parse(&format!("https://api.{domain}")).ok()?,
            login: Url::parse(&format!("https://login.{domain}")).ok()?,
        })
    }

    /// The endpoints for an explicit API base URL. The login host is the API
    /// host with `api.` replaced by `login.`; a host that does not start with
    /// `api.` (an emulator, a proxy) serves both.
    pub fn for_base_url(base_url: &str) -> Result<Endpoints, String> {
        let api =
            Url::parse(base_url.trim()).map_err(|e| format!("{base_url:?} is not a URL: {e}"))?;
        if api.scheme() != "https" && api.scheme() != "http" {
            return Err(format!("{base_url:?} must be an http or https URL"));
        }
        let host = api
            .host_str()
            .ok_or_else(|| format!("{base_url:?} has no host"))?
            .to_string();
        if api.query().is_some() || api.fragment().is_some() {
            return Err(format!("{base_url:?} must not have a query or fragment"));
        }
        let mut login = api.clone();
        if let Some(rest) = host.strip_prefix("api.") {
            login
                .set_host(Some(&format!("login.{rest}")))
                .map_err(|e| format!("{base_url:?}: {e}"))?;
        }
        Ok(Endpoints { api, login })
    }
}

/// The region names, for error messages.
pub fn region_names() -> String {
    REGIONS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_resolves_to_api_and_login_hosts() {
        for (name, domain) in REGIONS {
            let e = Endpoints::for_region(name).expect("known region");
            assert_eq!(e.api.host_str(), Some(format!("api.{domain}").as_str()));
            assert_eq!(e.login.host_str(), Some(format!("login.{domain}").as_str()));
        }
        // The official provider's regions and their API hosts, as its
        // documentation lists them.
        let official = [
            ("us-east-1", "api.mypurecloud.com"),
            ("us-east-2", "api.use2.us-gov-pure.cloud"),
            ("us-west-2", "api.usw2.pure.cloud"),
            ("ca-central-1", "api.cac1.pure.cloud"),
            ("sa-east-1", "api.sae1.pure.cloud"),
            ("mx-central-1", "api.mxc1.pure.cloud"),
            ("eu-west-1", "api.mypurecloud.ie"),
            ("eu-west-2", "api.euw2.pure.cloud"),
            ("eu-central-1", "api.mypurecloud.de"),
            ("eu-central-2", "api.euc2.pure.cloud"),
            ("me-central-1", "api.mec1.pure.cloud"),
            ("ap-south-1", "api.aps1.pure.cloud"),
            ("ap-southeast-1", "api.apse1.pure.cloud"),
            ("ap-southeast-2", "api.mypurecloud.com.au"),
            ("ap-northeast-1", "api.mypurecloud.jp"),
            ("ap-northeast-2", "api.apne2.pure.cloud"),
            ("ap-northeast-3", "api.apne3.pure.cloud"),
            ("eusc-de-east-1", "api.edee1.eusc-pure.cloud"),
        ];
        assert_eq!(REGIONS.len(), official.len());
        for (name, host) in official {
            let e = Endpoints::for_region(name).expect(name);
            assert_eq!(e.api.host_str(), Some(host), "{name}");
        }
        assert!(region_names().contains("eusc-de-east-1"));
        assert!(Endpoints::for_region("EU-West-1").is_some());
        assert!(Endpoints::for_region("mars-north-1").is_none());
    }

    #[test]
    fn base_url_maps_api_host_to_login_host() {
        let e = Endpoints::for_base_url("https://api.mypurecloud.ie").expect("valid");
        assert_eq!(e.login.as_str(), "https://login.mypurecloud.ie/");
        let local = Endpoints::for_base_url("http://127.0.0.1:8080").expect("valid");
        assert_eq!(local.login, local.api);
        assert!(Endpoints::for_base_url("not a url").is_err());
        assert!(Endpoints::for_base_url("ftp://api.example.com").is_err());
    }
}
