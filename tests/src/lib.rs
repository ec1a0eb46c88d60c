//! Integration and UI tests of `asyncify`; see `tests/`.
