//! Helpers of the `client` benchmark: data, the loopback server, statistics, memory children,
//! the build-script timer and the SVG chart. Rule: nothing here talks to anything but loopback.

pub mod build_script;
pub mod chart;
pub mod data;
pub mod memory;
pub mod server;
pub mod stats;
