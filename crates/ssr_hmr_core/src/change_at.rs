//! `ChangeAt`: when a change reached the plugin, and when it was written.
//!
//! A change reaches the hooks late whenever the dev server is busy: the
//! watcher's events wait for the event loop (a render, a transform, garbage
//! collection), and chokidar's throttle holds some back until a recheck
//! reports them. By the hooks' clock, a burst written 30 ms apart can then
//! arrive in pieces further apart than the batcher's stream gap, and each
//! piece would be taken for a lone edit and refresh the tabs at once. The
//! file's modification time says when the edit really happened, so batching
//! goes by it when it can be trusted. What reacts to the hook itself (a
//! runtime told to re-import) goes by the arrival.

/// A write time further back than this is not the edit that was just
/// reported: a file copied with its times kept, a tool that set them, a
/// change reported without a write. Longer than any stall the hooks see.
pub const MAX_WRITE_LAG_MS: f64 = 2000.0;

/// Milliseconds on the clock the engine is given (the shim's `performance.now()`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChangeAt {
  /// When the change reached the plugin's hook.
  pub arrived_ms: f64,
  /// When the file was last written, if the shim could tell (its modification
  /// time, on the same clock).
  pub written_ms: Option<f64>,
}

impl ChangeAt {
  pub fn new(arrived_ms: f64, written_ms: Option<f64>) -> Self {
    ChangeAt { arrived_ms, written_ms }
  }

  /// When the edit happened, for batching: its write time when that is
  /// plausible (not after the arrival, at most `MAX_WRITE_LAG_MS` before it),
  /// else its arrival.
  pub fn edited_ms(&self) -> f64 {
    match self.written_ms {
      Some(written)
        if written.is_finite()
          && written <= self.arrived_ms
          && self.arrived_ms - written <= MAX_WRITE_LAG_MS =>
      {
        written
      }
      _ => self.arrived_ms,
    }
  }
}

/// A bare time is an arrival with no write time known.
impl From<f64> for ChangeAt {
  fn from(arrived_ms: f64) -> Self {
    ChangeAt::new(arrived_ms, None)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_recent_write_time_is_when_the_edit_happened() {
    assert_eq!(ChangeAt::new(1000.0, Some(620.0)).edited_ms(), 620.0);
    assert_eq!(ChangeAt::new(1000.0, Some(1000.0)).edited_ms(), 1000.0);
    assert_eq!(ChangeAt::new(3000.0, Some(1000.0)).edited_ms(), 1000.0, "exactly the longest lag");
  }

  #[test]
  fn an_implausible_or_unknown_write_time_leaves_the_arrival() {
    assert_eq!(ChangeAt::from(1000.0).edited_ms(), 1000.0, "not known");
    assert_eq!(
      ChangeAt::new(1000.0, Some(1500.0)).edited_ms(),
      1000.0,
      "after the arrival: clock skew"
    );
    assert_eq!(ChangeAt::new(5000.0, Some(1000.0)).edited_ms(), 5000.0, "too old: not this edit");
    assert_eq!(ChangeAt::new(1000.0, Some(f64::NAN)).edited_ms(), 1000.0);
    assert_eq!(ChangeAt::new(1000.0, Some(f64::NEG_INFINITY)).edited_ms(), 1000.0);
    assert!(
      ChangeAt::new(f64::NAN, Some(10.0)).edited_ms().is_nan(),
      "the batcher handles a NaN arrival"
    );
  }
}
