//! Unit tests of the expansion.
