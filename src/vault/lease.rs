//! The one rule for "will the Vault token last": what Vault says of a token
//! (its lease), how far renewal can still take it, and what to do when an
//! operation needs it valid for a while.
//!
//! What this keeps true: a token is used for an operation only when its TTL
//! covers the operation, or, for a periodic token, when renewal provably
//! does; otherwise it is renewed first, and a login is chosen only when
//! renewal cannot cover the operation. A renewal never shortens a token.
//! Plain rules over plain types: no I/O, no clock of their own.

use std::time::{Duration, Instant};

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// How long the Vault token must stay valid from the moment a rotation is
/// allowed to start.
///
/// The critical section of a rotation starts with the regenerate (from then
/// on the old secret is dead) and ends once the new secret is written to
/// Vault. The entry is claimed (its custom metadata written) before the
/// regenerate, and the verify after the write talks to Genesys only: neither
/// is inside.
///
/// Each of the two calls runs under the retry policy: no attempt starts
/// later than `retry_deadline` after the call's first one, and an attempt
/// lasts at most `request_timeout`. A call therefore ends at most
/// `deadline + timeout` after it starts, and its last attempt reaches Vault
/// at most `deadline` after it starts; Vault checks the token when a request
/// arrives. Regenerate (Genesys, `D + T`), then write (Vault, last attempt
/// by `D`): `2·D + T`, 616 s with the defaults (300 s, 16 s).
///
/// This is compared with what the token can *reach*, not with its TTL: a
/// renewable 5-minute token of a role whose max TTL is an hour is renewed
/// for longer (see [`Life::increment`]) and lasts; only a max TTL (or an
/// explicit max TTL) shorter than this stops a rotation before it starts.
pub fn rotation_need(retry_deadline: Duration, request_timeout: Duration) -> Duration {
    retry_deadline.saturating_mul(2) + request_timeout
}

/// What a renewal asks for beyond an operation's need: half as much again,
/// so that concurrent rotations right after one renewal all find their need
/// covered, and the background renewal (two thirds into each grant) renews
/// while half the need is still left.
pub fn renewal_horizon(need: Duration) -> Duration {
    need + need / 2
}

/// What Vault says of a token in one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// Time left; `None` for a token that never expires (root, TTL 0).
    pub ttl: Option<Duration>,
    /// Whether `renew-self` can extend it.
    pub renewable: bool,
    /// A periodic token's period: every renewal grants it again, with no max
    /// TTL but an explicit one.
    pub period: Option<Duration>,
    /// How much longer than now renewal can keep the token at most, as set
    /// by its `explicit_max_ttl` (lookup-self only). `None`: no explicit max
    /// TTL. A role's or mount's max TTL does not show in lookup-self; it is
    /// learnt from a renewal that grants less than asked ([`Life::renewed`]).
    pub max_left: Option<Duration>,
    /// What a plain renewal grants: `creation_ttl` of a lookup, the lease of
    /// a login.
    pub full: Option<Duration>,
}

impl Lease {
    /// From a `lookup-self` answer's `data`.
    pub fn from_lookup(data: &Value) -> Lease {
        let ttl = positive_secs(&data["ttl"]);
        Lease {
            ttl,
            renewable: data["renewable"].as_bool().unwrap_or(false),
            period: positive_secs(&data["period"]),
            max_left: ttl.and_then(|ttl| explicit_max_left(data, ttl)),
            full: positive_secs(&data["creation_ttl"]),
        }
    }

    /// From a login or `renew-self` answer's `auth`.
    pub fn from_auth(auth: &Value) -> Lease {
        let ttl = positive_secs(&auth["lease_duration"]);
        Lease {
            ttl,
            renewable: auth["renewable"].as_bool().unwrap_or(false),
            period: None,
            max_left: None,
            full: ttl,
        }
    }
}

fn positive_secs(v: &Value) -> Option<Duration> {
    v.as_u64().filter(|s| *s > 0).map(Duration::from_secs)
}

/// `issue_time + explicit_max_ttl - expire_time + ttl`: both times are
/// Vault's, so the clocks of Vault and of this machine need not agree. `None`
/// without an explicit max TTL, or when the times cannot be read (a renewal
/// then finds the limit).
fn explicit_max_left(data: &Value, ttl: Duration) -> Option<Duration> {
    let max = positive_secs(&data["explicit_max_ttl"])?;
    let time = |key: &str| {
        data[key]
            .as_str()
            .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
    };
    let end = time("issue_time")?.checked_add(time::Duration::try_from(max).ok()?)?;
    let beyond_expiry = Duration::try_from(end - time("expire_time")?).unwrap_or(Duration::ZERO);
    Some(ttl + beyond_expiry)
}

/// A grant may be rounded up by Vault, and an instant is taken a moment
/// after Vault's: a token is taken to end this long before it says.
const MARGIN: Duration = Duration::from_secs(1);

/// Below this, a background renewal gains nothing.
const MIN_RENEWABLE_TTL: Duration = Duration::from_secs(2);

/// The life of the token held, on this process's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Life {
    /// When it expires (`None`: never).
    expires_at: Option<Instant>,
    /// Whether `renew-self` can extend it.
    renewable: bool,
    /// Whether every renewal grants its period again.
    periodic: bool,
    /// Renewal cannot keep it past this (`None`: no limit known).
    max_end: Option<Instant>,
    /// What a plain renewal grants.
    full: Option<Duration>,
}

impl Life {
    /// From an answer to a request sent at `asked_at`: counting from the
    /// request, not the answer, errs on the short side.
    pub fn new(lease: &Lease, asked_at: Instant) -> Life {
        Life {
            expires_at: lease.ttl.and_then(|t| asked_at.checked_add(t)),
            renewable: lease.renewable,
            periodic: lease.period.is_some(),
            max_end: lease.max_left.and_then(|m| asked_at.checked_add(m)),
            full: lease.full,
        }
    }

    /// After a renewal sent at `asked_at` that asked for `asked` and was
    /// granted `grant`. A grant short of the ask, for a token that is not
    /// periodic, means Vault capped it at its max TTL: its end is now known.
    pub fn renewed(&mut self, grant: &Lease, asked: Duration, asked_at: Instant) {
        self.expires_at = grant.ttl.and_then(|t| asked_at.checked_add(t));
        self.renewable = grant.renewable;
        if !self.periodic && grant.ttl.is_some_and(|t| t + MARGIN < asked) {
            self.max_end = match (self.max_end, self.expires_at) {
                (Some(known), Some(now_capped)) => Some(known.min(now_capped)),
                (known, capped) => capped.or(known),
            };
        }
    }

    /// Time left from `now` (`None`: never expires).
    pub fn left(&self, now: Instant) -> Option<Duration> {
        self.expires_at.map(|at| at.saturating_duration_since(now))
    }

    /// How far renewal can take it from `now`, when that is known.
    pub fn reach(&self, now: Instant) -> Option<Duration> {
        self.max_end.map(|end| end.saturating_duration_since(now))
    }

    /// Whether `renew-self` can extend it.
    pub fn renewable(&self) -> bool {
        self.renewable
    }

    /// True once it has expired, or is about to.
    pub fn expired(&self, now: Instant) -> bool {
        self.expires_at.is_some_and(|at| now + MARGIN >= at)
    }

    fn covers(end: Instant, now: Instant, need: Duration) -> bool {
        now.checked_add(need + MARGIN).is_some_and(|by| end >= by)
    }

    /// True when renewal's limit, if any, lies beyond `need` from `now`.
    fn max_covers(&self, now: Instant, need: Duration) -> bool {
        self.max_end
            .map_or(true, |end| Life::covers(end, now, need))
    }

    /// True when the token stays valid for `need` from `now` without anything
    /// but the background renewal: its TTL covers it, or it is periodic
    /// (each renewal grants the period again) and no explicit max TTL ends
    /// it sooner.
    pub fn lasts(&self, now: Instant, need: Duration) -> bool {
        let by_ttl = self
            .expires_at
            .map_or(true, |at| Life::covers(at, now, need));
        let by_period =
            self.periodic && self.renewable && !self.expired(now) && self.max_covers(now, need);
        by_ttl || by_period
    }

    /// True when a renewal may still make it last `need`: it is renewable,
    /// not expired, and no known limit ends it sooner.
    pub fn can_renew_to(&self, now: Instant, need: Duration) -> bool {
        self.renewable && !self.expired(now) && self.max_covers(now, need)
    }

    /// True when the token covers `need` from `now`, or renewal may still
    /// make it: what a failed login falls back on.
    pub fn reachable(&self, now: Instant, need: Duration) -> bool {
        self.lasts(now, need) || self.can_renew_to(now, need)
    }

    /// What a renewal asks for: `horizon`, and never less than a plain
    /// renewal grants nor than is left (a renewal sets the TTL from now: it
    /// could otherwise shorten a token an operation is counting on).
    pub fn increment(&self, now: Instant, horizon: Duration) -> Duration {
        let left = self.left(now).unwrap_or(Duration::ZERO);
        horizon.max(self.full.unwrap_or(Duration::ZERO)).max(left)
    }

    /// When the background renewal should renew next: two thirds into what
    /// is left, so a failed attempt still leaves time. `None` when there is
    /// nothing to renew: no expiry, not renewable, at its max TTL, or too
    /// short to be worth it.
    pub fn renew_after(&self, now: Instant) -> Option<Duration> {
        let left = self.left(now)?;
        let at_max = match (self.expires_at, self.max_end) {
            (Some(at), Some(end)) => end <= at + MARGIN,
            _ => false,
        };
        (self.renewable && !at_max && left >= MIN_RENEWABLE_TTL).then(|| left * 2 / 3)
    }

    /// After a failed background renewal: when to try again (a third of
    /// what is left), while that is still worth it.
    pub fn renew_again_after(&self, now: Instant) -> Option<Duration> {
        let left = self.left(now)?;
        (left >= MIN_RENEWABLE_TTL * 2).then(|| left / 3)
    }
}

/// What to do with the token held when an operation needs it to last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// It lasts: use it.
    Use,
    /// Renewal may make it last: renew now, then decide again.
    Renew,
    /// Renewal cannot cover the operation, and a login method can log in.
    Login,
    /// It cannot last, and nothing can be done about it.
    TooShort,
}

/// The decision for a token of `life` that must stay valid for `need` from
/// `now`. `can_login`: a login method that has not logged in for this
/// operation yet; `renew_tried`: a renewal for this operation was made (or
/// failed) already.
pub fn plan(life: &Life, now: Instant, need: Duration, can_login: bool, renew_tried: bool) -> Plan {
    if life.lasts(now, need) {
        Plan::Use
    } else if !renew_tried && life.can_renew_to(now, need) {
        Plan::Renew
    } else if can_login {
        Plan::Login
    } else {
        Plan::TooShort
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MINUTE: Duration = Duration::from_secs(60);

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// The need with the default retry settings.
    fn need() -> Duration {
        rotation_need(secs(300), secs(16))
    }

    /// A renewal answer granting `ttl`.
    fn grant(ttl: u64) -> Lease {
        Lease::from_auth(&json!({"lease_duration": ttl, "renewable": true}))
    }

    #[test]
    fn the_need_is_one_rotation_under_the_retry_policy() {
        assert_eq!(need(), secs(616));
        assert_eq!(rotation_need(secs(6), secs(6)), secs(18));
        assert_eq!(renewal_horizon(need()), secs(924));
    }

    #[test]
    fn leases_come_from_lookup_and_login_answers() {
        let root = Lease::from_lookup(
            &json!({"ttl": 0, "renewable": false, "creation_ttl": 0, "explicit_max_ttl": 0, "expire_time": null}),
        );
        assert_eq!(root.ttl, None);
        assert_eq!(root.max_left, None);
        let login = Lease::from_auth(&json!({"lease_duration": 300, "renewable": true}));
        assert_eq!(
            login,
            Lease {
                ttl: Some(secs(300)),
                renewable: true,
                period: None,
                max_left: None,
                full: Some(secs(300)),
            }
        );
        let periodic = Lease::from_lookup(
            &json!({"ttl": 6, "renewable": true, "creation_ttl": 6, "period": 6, "explicit_max_ttl": 0}),
        );
        assert_eq!(periodic.period, Some(secs(6)));
    }

    #[test]
    fn the_explicit_max_ttl_is_read_from_vaults_own_times() {
        // As OpenBao answers for `ttl=8s explicit_max_ttl=20s`, renewed once
        // to 19 s: the max ends 20 s after issue, 0.11 s after the expiry.
        let data = json!({
            "ttl": 19, "renewable": true, "creation_ttl": 8, "explicit_max_ttl": 20,
            "issue_time": "2026-11-25T21:39:26.835451041Z",
            "expire_time": "2026-11-25T21:39:46.724856973Z",
        });
        let lease = Lease::from_lookup(&data);
        assert_eq!(lease.max_left, Some(Duration::from_nanos(19_110_594_068)));
        // Unreadable times: unknown, a renewal finds the limit.
        let data = json!({"ttl": 19, "renewable": true, "explicit_max_ttl": 20, "issue_time": "yesterday"});
        assert_eq!(Lease::from_lookup(&data).max_left, None);
    }

    #[test]
    fn a_five_minute_token_of_a_one_hour_role_is_renewed_not_replaced() {
        let now = Instant::now();
        // Just logged in: 5 minutes, renewable, the role's max TTL (1 h) is
        // not in lookup-self.
        let mut life = Life::new(&grant(300), now);
        assert!(!life.lasts(now, need()));
        assert_eq!(plan(&life, now, need(), true, false), Plan::Renew);
        // The renewal asks for the horizon and gets it: it lasts.
        let asked = life.increment(now, renewal_horizon(need()));
        assert_eq!(asked, secs(924));
        life.renewed(&grant(924), asked, now);
        assert_eq!(plan(&life, now, need(), true, true), Plan::Use);
        // The background renewal comes two thirds into the grant, while
        // half the need is left.
        assert_eq!(life.renew_after(now), Some(secs(616)));

        // 55 minutes in: Vault caps the renewal at the role's max TTL.
        let later = now + 55 * MINUTE;
        let asked = life.increment(later, renewal_horizon(need()));
        life.renewed(&grant(300), asked, later);
        assert_eq!(life.reach(later), Some(secs(300)));
        assert_eq!(life.renew_after(later), None, "nothing more to renew");
        assert_eq!(plan(&life, later, need(), true, false), Plan::Login);
        assert_eq!(plan(&life, later, need(), false, false), Plan::TooShort);
        // Ordinary calls still use it until it ends.
        assert_eq!(plan(&life, later, Duration::ZERO, true, false), Plan::Use);
    }

    #[test]
    fn a_short_explicit_max_ttl_is_never_counted_on() {
        let now = Instant::now();
        let data = json!({
            "ttl": 4, "renewable": true, "creation_ttl": 4, "explicit_max_ttl": 8,
            "issue_time": "2026-11-25T21:39:26Z", "expire_time": "2026-11-25T21:39:30Z",
        });
        let life = Life::new(&Lease::from_lookup(&data), now);
        assert_eq!(life.reach(now), Some(secs(8)));
        assert_eq!(plan(&life, now, need(), false, false), Plan::TooShort);
        assert_eq!(plan(&life, now, secs(18), true, false), Plan::Login);
        assert!(!life.reachable(now, secs(18)));
        // A need it can reach: renewed first.
        assert_eq!(plan(&life, now, secs(6), false, false), Plan::Renew);
    }

    #[test]
    fn a_periodic_token_lasts_through_its_renewals() {
        let now = Instant::now();
        let data = json!({"ttl": 300, "renewable": true, "creation_ttl": 300, "period": 300});
        let mut life = Life::new(&Lease::from_lookup(&data), now);
        assert_eq!(plan(&life, now, need(), false, false), Plan::Use);
        // Its renewals grant the period, less than asked: not a cap.
        life.renewed(&grant(300), secs(924), now);
        assert_eq!(life.reach(now), None);
        assert_eq!(life.renew_after(now), Some(secs(200)));
    }

    #[test]
    fn tokens_that_cannot_be_renewed_or_have_expired() {
        let now = Instant::now();
        let fixed = Life::new(
            &Lease::from_auth(&json!({"lease_duration": 20, "renewable": false})),
            now,
        );
        assert_eq!(plan(&fixed, now, need(), false, false), Plan::TooShort);
        assert_eq!(plan(&fixed, now, need(), true, false), Plan::Login);
        assert_eq!(plan(&fixed, now, Duration::ZERO, false, false), Plan::Use);
        assert_eq!(fixed.renew_after(now), None);

        let gone = now + secs(300);
        let renewable = Life::new(&grant(300), now);
        assert!(renewable.expired(gone));
        assert_eq!(
            plan(&renewable, gone, Duration::ZERO, false, false),
            Plan::TooShort
        );

        let forever = Life::new(&Lease::from_lookup(&json!({"ttl": 0})), now);
        assert_eq!(plan(&forever, now, need(), false, false), Plan::Use);
        assert_eq!(forever.renew_after(now), None);
    }

    #[test]
    fn a_failed_login_falls_back_on_a_token_renewal_can_still_keep() {
        let now = Instant::now();
        // 295 s left, renewable, no limit known (the renewal failed): usable.
        let life = Life::new(&grant(295), now);
        assert!(life.reachable(now, need()));
        // Once Vault capped it short of the need: not.
        let mut capped = life;
        capped.renewed(&grant(295), secs(924), now);
        assert!(!capped.reachable(now, need()));
    }

    #[test]
    fn a_renewal_never_shortens_a_token() {
        let now = Instant::now();
        let long = Life::new(
            &Lease::from_lookup(
                &json!({"ttl": 7200, "renewable": true, "creation_ttl": 2_764_800}),
            ),
            now,
        );
        assert_eq!(long.increment(now, secs(924)), secs(2_764_800));
        let after_use = Life::new(&grant(5000), now);
        assert_eq!(after_use.increment(now, secs(924)), secs(5000));
    }
}
