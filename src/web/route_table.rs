//! One list of routes, used both to register them and to enumerate them.
//!
//! Every page and API route goes through [`RouteTable`]: it adds the route to
//! the actix scope *and* records its method and pattern. The same function
//! builds the scope the server runs and the list [`crate::web::route_list`]
//! returns, so the list cannot drift from what is served. The route × role
//! test (`tests/api/security_routes.rs`) walks that list and fails on any
//! route missing from its table of expectations. (actix's own resource map
//! cannot be iterated, hence this small wrapper.)

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, Scope, guard, web};

/// A route: its method and its full path pattern, e.g. `("GET", "/api/v1/me")`.
pub type RouteEntry = (&'static str, String);

pub struct RouteTable {
    prefix: &'static str,
    scope: Scope,
    entries: Vec<RouteEntry>,
}

impl RouteTable {
    /// Routes under `scope`, whose path is `prefix` (`""` for the pages).
    pub fn new(prefix: &'static str, scope: Scope) -> RouteTable {
        RouteTable {
            prefix,
            scope,
            entries: Vec::new(),
        }
    }

    pub fn get<F, Args>(self, path: &'static str, handler: F) -> RouteTable
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::GET, path, handler)
    }

    pub fn post<F, Args>(self, path: &'static str, handler: F) -> RouteTable
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::POST, path, handler)
    }

    pub fn put<F, Args>(self, path: &'static str, handler: F) -> RouteTable
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::PUT, path, handler)
    }

    pub fn patch<F, Args>(self, path: &'static str, handler: F) -> RouteTable
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::PATCH, path, handler)
    }

    /// A route with its own app data (e.g. a larger form limit).
    pub fn add_with_data<F, Args, D>(
        mut self,
        method: Method,
        path: &'static str,
        data: D,
        handler: F,
    ) -> RouteTable
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
        D: 'static,
    {
        self.record(&method, path);
        self.scope = self.scope.service(
            web::resource(path)
                .guard(guard::Method(method.clone()))
                .app_data(data)
                .route(web::method(method).to(handler)),
        );
        self
    }

    fn add<F, Args>(mut self, method: Method, path: &'static str, handler: F) -> RouteTable
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.record(&method, path);
        self.scope = self.scope.route(path, web::method(method).to(handler));
        self
    }

    fn record(&mut self, method: &Method, path: &'static str) {
        let method = match *method {
            Method::GET => "GET",
            Method::POST => "POST",
            Method::PUT => "PUT",
            Method::PATCH => "PATCH",
            Method::DELETE => "DELETE",
            _ => "OTHER",
        };
        self.entries
            .push((method, format!("{}{}", self.prefix, path)));
    }

    /// The routes registered so far.
    pub fn entries(&self) -> &[RouteEntry] {
        &self.entries
    }

    pub fn into_parts(self) -> (Scope, Vec<RouteEntry>) {
        (self.scope, self.entries)
    }
}
