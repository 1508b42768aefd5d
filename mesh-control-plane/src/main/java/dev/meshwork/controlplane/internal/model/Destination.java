package dev.meshwork.controlplane.internal.model;

/**
 * A route destination.
 *
 * @param host service key (short name, already normalised: FQDN forms of a cluster-local service
 *     are reduced to the short name)
 * @param subset subset name, or null for the whole service
 * @param port service port, or 0 when not given (the service's default port applies)
 * @param weight relative weight (>= 0); a single destination carries 100
 */
public record Destination(String host, String subset, int port, int weight) {}
