//! The two blank templates.
