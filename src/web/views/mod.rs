//! Markup, in maud: `layout` is the page shell, `pages` one module per page.

pub mod components;
pub mod fragments;
pub mod labels;
pub mod layout;
pub mod pages;
pub mod qr;
