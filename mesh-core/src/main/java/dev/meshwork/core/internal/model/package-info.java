/**
 * Immutable model of the xDS resources the engine uses, parsed and validated once per update from
 * Envoy's protos. Matchers hold compiled patterns; nothing here parses on the request path.
 * Produced by the parsers in {@code .parse} (which own validation and NACK messages), consumed by
 * the router, pickers and policies.
 */
package dev.meshwork.core.internal.model;
