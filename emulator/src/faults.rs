//! Faults on demand: a share of requests answered with 429 or 503, or dropped without an
//! answer, and added latency.

use std::sync::Mutex;
use std::time::Duration;

/// Which requests faults apply to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FaultScope {
    /// Every request.
    #[default]
    All,
    /// Only Chat requests (`/chat/...`).
    Chat,
    /// Only Identity requests (`/identities`, `/teamsUser`, `/access`).
    Identity,
}

/// Fault injection settings. Shares are probabilities in `[0, 1]`, drawn independently for each
/// request in the order drop, drop after applying, 429, 503 (so their sum should be at most 1).
///
/// ```
/// use acs_emulator::FaultConfig;
/// use std::time::Duration;
///
/// let faults = FaultConfig::default()
///     .with_throttle_rate(0.2)
///     .with_retry_after(Duration::from_secs(1))
///     .with_latency(Duration::from_millis(5));
/// assert!(faults.is_active());
/// assert!(!FaultConfig::default().is_active());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FaultConfig {
    /// Share of requests answered `429 Too Many Requests` with a `Retry-After` header.
    pub throttle_rate: f64,
    /// Share of requests answered `503 Service Unavailable` (with `Retry-After` when
    /// [`FaultConfig::retry_after`] is set on 503s too, see [`FaultConfig::retry_after_on_503`]).
    pub unavailable_rate: f64,
    /// Share of requests whose connection is closed without any answer, before they are applied.
    pub drop_rate: f64,
    /// Share of requests that are applied, and then their connection closed without the answer:
    /// the caller cannot tell whether the request took effect.
    pub drop_after_rate: f64,
    /// The `Retry-After` value sent with 429 (rounded up to whole seconds).
    pub retry_after: Duration,
    /// Whether 503 answers carry `Retry-After` too.
    pub retry_after_on_503: bool,
    /// Latency added before every request is handled.
    pub latency: Duration,
    /// Extra random latency, uniformly drawn in `[0, latency_jitter]`, added to [`FaultConfig::latency`].
    pub latency_jitter: Duration,
    /// Which requests the faults (not the latency) apply to.
    pub scope: FaultScope,
    /// Seed of the random draws, for reproducible runs (a random seed when `None`).
    pub seed: Option<u64>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            throttle_rate: 0.0,
            unavailable_rate: 0.0,
            drop_rate: 0.0,
            drop_after_rate: 0.0,
            retry_after: Duration::from_secs(1),
            retry_after_on_503: false,
            latency: Duration::ZERO,
            latency_jitter: Duration::ZERO,
            scope: FaultScope::All,
            seed: None,
        }
    }
}

impl FaultConfig {
    /// No faults, no latency.
    pub fn none() -> Self {
        Self::default()
    }

    /// Sets the share of 429 answers.
    pub fn with_throttle_rate(mut self, rate: f64) -> Self {
        self.throttle_rate = rate;
        self
    }

    /// Sets the share of 503 answers.
    pub fn with_unavailable_rate(mut self, rate: f64) -> Self {
        self.unavailable_rate = rate;
        self
    }

    /// Sets the share of dropped connections.
    pub fn with_drop_rate(mut self, rate: f64) -> Self {
        self.drop_rate = rate;
        self
    }

    /// Sets the share of requests applied and then dropped without an answer.
    pub fn with_drop_after_rate(mut self, rate: f64) -> Self {
        self.drop_after_rate = rate;
        self
    }

    /// Sets the `Retry-After` of 429 answers.
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Sets the added latency.
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Sets the random extra latency.
    pub fn with_latency_jitter(mut self, jitter: Duration) -> Self {
        self.latency_jitter = jitter;
        self
    }

    /// Sets which requests faults apply to.
    pub fn with_scope(mut self, scope: FaultScope) -> Self {
        self.scope = scope;
        self
    }

    /// Sets the random seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Whether any fault or latency is configured.
    pub fn is_active(&self) -> bool {
        self.throttle_rate > 0.0
            || self.unavailable_rate > 0.0
            || self.drop_rate > 0.0
            || self.drop_after_rate > 0.0
            || !self.latency.is_zero()
            || !self.latency_jitter.is_zero()
    }

    /// Checks that rates are within `[0, 1]` and add up to at most 1.
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [
            ("throttle", self.throttle_rate),
            ("unavailable", self.unavailable_rate),
            ("drop", self.drop_rate),
            ("drop-after", self.drop_after_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("the {name} rate {rate} is not within [0, 1]"));
            }
        }
        let sum = self.throttle_rate + self.unavailable_rate + self.drop_rate + self.drop_after_rate;
        if sum > 1.0 + 1e-9 {
            return Err(format!("the fault rates add up to {sum}, more than 1"));
        }
        Ok(())
    }
}

/// What to do with one request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum FaultAction {
    Proceed,
    Drop,
    DropAfter,
    Throttle { retry_after: u64 },
    Unavailable { retry_after: Option<u64> },
}

/// The live fault settings and their random source.
#[derive(Debug)]
pub(crate) struct Faults {
    inner: Mutex<(FaultConfig, SplitMix64)>,
}

impl Faults {
    pub(crate) fn new(config: FaultConfig) -> Self {
        let rng = SplitMix64::new(config.seed);
        Self { inner: Mutex::new((config, rng)) }
    }

    pub(crate) fn set(&self, config: FaultConfig) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.1 = SplitMix64::new(config.seed);
        guard.0 = config;
    }

    pub(crate) fn get(&self) -> FaultConfig {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).0.clone()
    }

    /// Draws the latency and the action for a request to `path`.
    pub(crate) fn decide(&self, path: &str) -> (Duration, FaultAction) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (config, rng) = &mut *guard;
        let mut latency = config.latency;
        if !config.latency_jitter.is_zero() {
            latency += config.latency_jitter.mul_f64(rng.next_f64());
        }
        let in_scope = match config.scope {
            FaultScope::All => true,
            FaultScope::Chat => path.starts_with("/chat"),
            FaultScope::Identity => !path.starts_with("/chat"),
        };
        let total = config.drop_rate + config.drop_after_rate + config.throttle_rate + config.unavailable_rate;
        if !in_scope || total <= 0.0 {
            return (latency, FaultAction::Proceed);
        }
        let draw = rng.next_f64();
        let retry_after = config.retry_after.as_secs() + u64::from(config.retry_after.subsec_nanos() > 0);
        let dropped = config.drop_rate + config.drop_after_rate;
        let action = if draw < config.drop_rate {
            FaultAction::Drop
        } else if draw < dropped {
            FaultAction::DropAfter
        } else if draw < dropped + config.throttle_rate {
            FaultAction::Throttle { retry_after }
        } else if draw < total {
            FaultAction::Unavailable { retry_after: config.retry_after_on_503.then_some(retry_after) }
        } else {
            FaultAction::Proceed
        };
        (latency, action)
    }
}

/// A small, fast pseudo-random generator (SplitMix64); good enough to pick faults.
#[derive(Debug)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: Option<u64>) -> Self {
        Self(seed.unwrap_or_else(|| {
            let bytes = uuid::Uuid::new_v4().into_bytes();
            u64::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]])
        }))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_roughly_respected() {
        let faults = Faults::new(FaultConfig::default().with_throttle_rate(0.3).with_drop_rate(0.1).with_seed(7));
        let mut counts = [0usize; 4];
        for _ in 0..10_000 {
            let index = match faults.decide("/chat/threads").1 {
                FaultAction::Proceed => 0,
                FaultAction::Drop => 1,
                FaultAction::Throttle { retry_after } => {
                    assert_eq!(retry_after, 1);
                    2
                }
                FaultAction::Unavailable { .. } | FaultAction::DropAfter => 3,
            };
            counts[index] += 1;
        }
        assert!((5_700..6_300).contains(&counts[0]), "{counts:?}");
        assert!((800..1_200).contains(&counts[1]), "{counts:?}");
        assert!((2_700..3_300).contains(&counts[2]), "{counts:?}");
        assert_eq!(counts[3], 0);
    }

    #[test]
    fn scope_limits_faults() {
        let faults = Faults::new(
            FaultConfig::default().with_unavailable_rate(1.0).with_scope(FaultScope::Identity).with_seed(1),
        );
        assert_eq!(faults.decide("/chat/threads").1, FaultAction::Proceed);
        assert_eq!(faults.decide("/identities").1, FaultAction::Unavailable { retry_after: None });
    }

    #[test]
    fn validation() {
        assert!(FaultConfig::default().with_throttle_rate(1.5).validate().is_err());
        assert!(FaultConfig::default().with_throttle_rate(0.6).with_drop_rate(0.6).validate().is_err());
        assert!(FaultConfig::default().with_throttle_rate(0.5).with_drop_rate(0.5).validate().is_ok());
    }
}
