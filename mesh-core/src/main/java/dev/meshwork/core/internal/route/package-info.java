/**
 * Request routing: {@link dev.meshwork.core.internal.route.Router} picks the route and cluster of
 * a request from one route configuration. Built once per update, immutable, thread-safe; the hot
 * path compiles nothing and allocates nothing but what a query match needs.
 */
package dev.meshwork.core.internal.route;
